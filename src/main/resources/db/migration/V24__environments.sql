-- Named environments (Mistral's): variables an execution can be started with by naming the environment.
create table environment_def (
    id           varchar(36) primary key,
    name         varchar(255) not null unique,
    description  varchar(4000),
    variables    text not null,
    scope        varchar(16) not null,
    created_at   bigint not null,
    updated_at   bigint not null
);
