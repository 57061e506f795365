-- Ad-hoc actions stored on their own (Mistral's action-create): global, any workflow may call one by name.
-- A row points at the document it came from (one document may define several actions), kept whole as
-- Mistral shows it; the action's spec is read from that document.
create table adhoc_action (
    id             varchar(36) primary key,
    name           varchar(255) not null,
    source_sha     varchar(64) not null references definition_source (sha256),
    description    varchar(4000),
    tags           varchar(4000) not null,
    input_summary  varchar(4000) not null,
    scope          varchar(16) not null,
    created_at     bigint not null,
    updated_at     bigint,
    constraint adhoc_action_name_unique unique (name)
);

-- One counter raised in the transaction of every change to adhoc_action: a node that keeps the parsed
-- actions in memory compares it, inside the engine's transaction, to know its copy is current.
create table adhoc_action_change (
    id       int primary key,
    version  bigint not null
);
insert into adhoc_action_change (id, version) values (1, 0);
