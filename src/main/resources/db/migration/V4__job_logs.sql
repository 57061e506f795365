-- Jobs learn their target, exit code, history chain and lease; logs are append-only chunks.
alter table job add column exit_code integer;
alter table job add column target varchar(255);
alter table job add column previous_job_id varchar(36);
alter table job add column lease_until bigint;
alter table job add column log_bytes bigint default 0 not null;
create index job_by_target on job (target, created_at);

create table job_log (
    job_id      varchar(36) not null,
    seq         integer not null,
    at          bigint not null,
    chunk       text not null,
    primary key (job_id, seq)
);
