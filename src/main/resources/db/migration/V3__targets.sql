-- Targets (machines, platforms, sites, servers, ...), profiles (named param sets) and param
-- declarations. Params are JSON maps in TEXT columns; a value of a secret param is stored as
-- {"$encrypted": "v1:<base64 of IV and AES-GCM ciphertext>"} and never as plain text.

create table target (
    id          varchar(36) primary key,
    kind        varchar(64) not null,
    name        varchar(255) not null,
    parent_id   varchar(36) references target (id),
    params      text not null,
    profiles    text not null,
    stage       varchar(255),
    created_at  bigint not null,
    updated_at  bigint not null,
    constraint target_name_unique unique (name)
);
create index target_by_kind on target (kind, name);
create index target_by_parent on target (parent_id);

-- Labels in their own table, so that a selector (k=v, ...) is an indexed lookup.
create table target_label (
    target_id  varchar(36) not null references target (id) on delete cascade,
    name       varchar(255) not null,
    label_value varchar(1000) not null,
    primary key (target_id, name)
);
create index target_label_by_value on target_label (name, label_value);

create table profile (
    name         varchar(255) primary key,
    description  varchar(4000),
    params       text not null,
    created_at   bigint not null,
    updated_at   bigint not null
);

-- The global profile always exists and applies after every other source but the declared default.
insert into profile (name, description, params, created_at, updated_at)
values ('global', 'Applies to every target, after its own params, its profiles and its parents.', '{}', 0, 0);

create table param (
    name           varchar(255) primary key,
    json_schema    text,
    default_value  text,
    secret         boolean not null,
    description    varchar(4000),
    created_at     bigint not null,
    updated_at     bigint not null
);
