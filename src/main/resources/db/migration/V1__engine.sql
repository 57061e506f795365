-- Times are epoch milliseconds (UTC) in BIGINT columns: identical on H2 and PostgreSQL.
-- JSON documents live in TEXT columns (H2 would store a literal into a JSON column as a string).

create table definition_source (
    sha256      varchar(64) primary key,
    source      text not null,
    created_at  bigint not null
);

create table workflow (
    id             varchar(36) primary key,
    name           varchar(255) not null,
    source_sha     varchar(64) not null references definition_source (sha256),
    description    varchar(4000),
    tags           varchar(4000) not null,
    input_summary  varchar(4000) not null,
    created_at     bigint not null,
    updated_at     bigint not null,
    constraint workflow_name_unique unique (name)
);

create table execution (
    id                 varchar(36) primary key,
    workflow_id        varchar(36),
    workflow_name      varchar(255) not null,
    source_sha         varchar(64) not null references definition_source (sha256),
    state              varchar(16) not null,
    state_info         text,
    input              text not null,
    params             text not null,
    context            text not null,
    output             text,
    description        varchar(4000),
    parent_job_id      varchar(36),
    root_execution_id  varchar(36) not null,
    active_tasks       integer not null,
    waiting_joins      integer not null,
    unhandled_errors   integer not null,
    created_at         bigint not null,
    updated_at         bigint not null,
    finished_at        bigint
);
create index execution_by_created on execution (created_at);
create index execution_by_workflow on execution (workflow_name, created_at);
create index execution_by_state on execution (state, created_at);
create index execution_by_parent on execution (parent_job_id);

create table task_execution (
    id            varchar(36) primary key,
    execution_id  varchar(36) not null references execution (id),
    name          varchar(255) not null,
    state         varchar(16) not null,
    state_info    text,
    in_context    text not null,
    published     text,
    result        text,
    attempt       integer not null,
    items_total   integer not null,
    items_next    integer not null,
    items_done    integer not null,
    items_failed  integer not null,
    arrived       text,
    flags         varchar(255) not null,
    error_handled boolean not null,
    leaf          boolean not null,
    seq           bigint not null,
    created_at    bigint not null,
    started_at    bigint,
    finished_at   bigint,
    updated_at    bigint not null
);
create index task_by_execution on task_execution (execution_id, name);

create table job (
    id                  varchar(36) primary key,
    execution_id        varchar(36) not null,
    task_execution_id   varchar(36) not null references task_execution (id),
    action              varchar(255) not null,
    input               text not null,
    state               varchar(16) not null,
    output              text,
    error               text,
    item_index          integer not null,
    attempt             integer not null,
    is_async            boolean not null,
    token               varchar(64),
    child_execution_id  varchar(36),
    runner              varchar(255),
    created_at          bigint not null,
    started_at          bigint,
    finished_at         bigint,
    updated_at          bigint not null
);
create index job_by_task on job (task_execution_id, item_index);
create index job_by_state on job (state);

create table timer (
    id                 varchar(36) primary key,
    due_at             bigint not null,
    kind               varchar(32) not null,
    execution_id       varchar(36) not null,
    task_execution_id  varchar(36),
    attempt            integer not null,
    created_at         bigint not null
);
create index timer_by_due on timer (due_at);
