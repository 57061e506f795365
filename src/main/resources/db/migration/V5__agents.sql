-- Remote agents. A token is issued once (only its SHA-256 is kept), scoped to target names and/or
-- a label selector, and revoked by setting revoked_at. An agent's runner name is 'agent:<name>'.
create table agent_token (
    id           varchar(36) primary key,
    name         varchar(200) not null,
    token_hash   varchar(64) not null,
    targets      text not null,
    labels       text not null,
    created_at   bigint not null,
    revoked_at   bigint,
    last_seen_at bigint,
    constraint agent_token_hash_unique unique (token_hash)
);
create index agent_token_by_name on agent_token (name);

-- What an agent reported for a job it holds (or LOST from the lease sweeper / an agent restart),
-- committed before the engine applies it: a completion is durable once acknowledged, and a late
-- or repeated report is compared against it.
alter table job add column agent_outcome text;
-- A claimed job is only offered until the agent acknowledges it (then it may start it): an offer
-- whose answer never reached a live agent (it died while its claim waited) goes back to the queue.
alter table job add column agent_acked boolean default false not null;
create index job_by_runner on job (runner, state);

-- Text sent to a remote job's standard input, until its agent fetches it.
create table agent_input (
    id          varchar(36) primary key,
    job_id      varchar(36) not null,
    runner      varchar(255) not null,
    text        text not null,
    created_at  bigint not null,
    seq         bigint not null
);
create index agent_input_by_runner on agent_input (runner, created_at, seq);
