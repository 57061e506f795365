-- Idempotency-Key of POST /api/v1/executions: a client that retries after a lost answer gets the execution its
-- first request started. One row per (principal, key) for 24 h; the primary key lets one of two concurrent
-- retries start an execution, the other finds it.
create table idempotency_key (
    principal     varchar(300) not null,
    idem_key      varchar(255) not null,
    request_hash  varchar(64) not null,
    execution_id  varchar(36) not null,
    created_at    bigint not null,
    primary key (principal, idem_key)
);
create index idempotency_key_by_created on idempotency_key (created_at);
