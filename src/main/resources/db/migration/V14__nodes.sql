-- Server nodes sharing this database. Each process registers a row at start and refreshes
-- heartbeat_at every second or so; a node whose heartbeat is older than its lease_ms is dead, and
-- exactly one survivor (the one whose conditional update sets recovered_by) takes over its work.
create table node (
    id            varchar(64) primary key,
    host          varchar(255) not null,
    port          integer not null,
    version       varchar(64) not null,
    started_at    bigint not null,
    heartbeat_at  bigint not null,
    lease_ms      bigint not null,
    load_json     text,
    recovered_by  varchar(64),
    recovered_at  bigint
);
create index node_by_heartbeat on node (recovered_by, heartbeat_at);

-- The node that owns a job a local runner has or will have: the node whose transaction queued it
-- (until a runner starts it) or whose local runner runs it (runner = 'node:<id>').
alter table job add column node_id varchar(64);

-- A due timer is claimed by one node (until claimed_until) before it fires; the row is still
-- deleted in the transaction that acts on it.
alter table timer add column claimed_by varchar(64);
alter table timer add column claimed_until bigint;

-- Work left by processes that ran before nodes existed belongs to a node that is dead from the
-- start, so that exactly one node recovers it.
insert into node (id, host, port, version, started_at, heartbeat_at, lease_ms) values ('before-nodes', 'unknown', 0, 'unknown', 0, 0, 0);
update job set node_id = 'before-nodes' where state in ('QUEUED', 'RUNNING') and (runner is null or runner not like 'agent:%');
