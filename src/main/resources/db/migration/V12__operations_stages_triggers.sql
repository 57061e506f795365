-- Operations (workflows offered on a target kind), runs on targets and their one-at-a-time slots,
-- stages and stage maps with each target's lifecycle, and triggers (cron and webhooks) with their firings.

create table operation (
    name         varchar(255) primary key,
    kind         varchar(64) not null,
    workflow     varchar(255) not null,
    description  varchar(4000),
    fields       text not null,
    created_at   bigint not null,
    updated_at   bigint not null
);
create index operation_by_kind on operation (kind, name);

-- One row per slot (a target, or a trigger that must not overlap); locked to decide "one at a time".
create table run_slot (
    slot  varchar(300) primary key
);

-- A run of an operation, a stage or a triggered workflow. At most one RUNNING run per slot;
-- QUEUED ones start in id (creation) order when it ends.
create table target_run (
    id            varchar(36) primary key,
    slot          varchar(300),
    target_id     varchar(36) references target (id) on delete cascade,
    kind          varchar(16) not null,
    name          varchar(255) not null,
    workflow      varchar(255) not null,
    input         text not null,
    variables     text,
    state         varchar(16) not null,
    state_info    varchar(4000),
    execution_id  varchar(36),
    requested_by  varchar(255),
    created_at    bigint not null,
    started_at    bigint,
    finished_at   bigint
);
create index target_run_by_slot on target_run (slot, state, id);
create index target_run_by_target on target_run (target_id, id);
create index target_run_by_state on target_run (state);
create unique index target_run_by_execution on target_run (execution_id);

create table stage (
    name         varchar(255) primary key,
    workflow     varchar(255) not null,
    description  varchar(4000),
    created_at   bigint not null,
    updated_at   bigint not null
);

-- scope: target:NAME, profile:NAME or kind:KIND; on_way: CONTINUE, STOP or WAIT.
create table stage_map (
    scope       varchar(300) not null,
    from_stage  varchar(255) not null,
    to_stage    varchar(255) not null,
    on_way      varchar(16) not null,
    primary key (scope, from_stage)
);

-- state: RUNNING (its stage's run is queued or running), WAITING (for a person), STOPPED, DONE, FAILED.
create table target_lifecycle (
    target_id    varchar(36) primary key references target (id) on delete cascade,
    stage        varchar(255) not null,
    state        varchar(16) not null,
    state_info   varchar(4000),
    run_id       varchar(36),
    runnable     boolean not null,
    single_step  boolean not null,
    updated_at   bigint not null
);

create table trigger_def (
    name          varchar(255) primary key,
    kind          varchar(16) not null,
    cron          varchar(255),
    time_zone     varchar(64),
    overlap       varchar(16) not null,
    workflow      varchar(255),
    operation     varchar(255),
    target        varchar(255),
    input         text not null,
    auth          varchar(16),
    secret        text,
    paused        boolean not null,
    next_fire_at  bigint,
    created_at    bigint not null,
    updated_at    bigint not null
);
create index trigger_def_due on trigger_def (kind, paused, next_fire_at);

-- outcome: STARTED, QUEUED, SKIPPED, REFUSED, FAILED.
create table trigger_firing (
    id            varchar(36) primary key,
    trigger_name  varchar(255) not null,
    fired_at      bigint not null,
    due_at        bigint,
    outcome       varchar(16) not null,
    detail        varchar(4000),
    run_id        varchar(36),
    execution_id  varchar(36)
);
create index trigger_firing_by_trigger on trigger_firing (trigger_name, fired_at);
