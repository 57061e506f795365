-- One counter raised by every change to targets, profiles and param declarations, in the change's
-- own transaction: server nodes that keep resolved targets in memory compare it to know their copy
-- is still current, whichever node made the change.
create table target_change (
    id      int primary key,
    version bigint not null
);
insert into target_change (id, version) values (1, 0);
