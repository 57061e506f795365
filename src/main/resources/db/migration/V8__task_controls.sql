-- What a person asked of a task that has not reached the point where it applies: hold it before it
-- starts (PAUSE), count it as done without running (SKIP), keep it from running (BLOCK), or hold
-- it on failure (PAUSE_ON_FAIL / NO_PAUSE_ON_FAIL, which override the workflow's pause-on-fail).
-- PAUSE, SKIP and BLOCK are used up by the next start of the task; the pause-on-fail ones stay.
create table task_directive (
    execution_id varchar(36) not null,
    task_name    varchar(255) not null,
    kind         varchar(20) not null,
    created_at   bigint not null,
    created_by   varchar(200) not null,
    constraint task_directive_pk primary key (execution_id, task_name, kind)
);

-- Every control applied to an execution or its tasks: who, when, what, and which tasks it changed.
create table control_log (
    id           varchar(36) primary key,
    execution_id varchar(36) not null,
    control      varchar(40) not null,
    selector     text not null,
    tasks        text not null,
    detail       text,
    actor        varchar(200) not null,
    at           bigint not null
);
create index control_log_by_execution on control_log (execution_id, at);

-- Set once a directive was left on the execution: only then does the engine read task_directive
-- before starting a task, so executions nobody steers pay nothing for it.
alter table execution add column steered boolean default false not null;
