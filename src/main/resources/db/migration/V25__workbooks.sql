-- Mistral's workbooks: one YAML document holding workflows and ad-hoc actions, its workflows stored as
-- <workbook>.<workflow> rows of the workflow table that name the workbook they belong to.
create table workbook (
    id           varchar(36) primary key,
    name         varchar(255) not null,
    source_sha   varchar(64) not null references definition_source (sha256),
    description  varchar(4000),
    tags         varchar(4000) not null,
    scope        varchar(16) not null,
    created_at   bigint not null,
    updated_at   bigint not null,
    constraint workbook_name_unique unique (name)
);

create index workbook_created on workbook (created_at, id);

alter table workflow add column workbook varchar(255);

create index workflow_workbook on workflow (workbook);
