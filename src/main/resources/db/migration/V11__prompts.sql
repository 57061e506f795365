-- Questions a running job asked on its output (a line starting with '::prompt::'), kept until a
-- person answers (the answer went to the job's stdin) or the job ends (closed unanswered).
-- Manual steps need no table: a manual job waits as an async RUNNING job, its form in its input.
create table job_prompt (
    id            varchar(36) primary key,
    job_id        varchar(36) not null,
    execution_id  varchar(36) not null,
    text          text not null,
    state         varchar(16) not null,
    created_at    bigint not null,
    answered_by   varchar(255),
    answered_at   bigint,
    closed_at     bigint
);
create index job_prompt_open on job_prompt (state, created_at);
create index job_prompt_by_job on job_prompt (job_id);
-- the inbox lists waiting manual jobs oldest first
create index job_by_action_state on job (action, state);
