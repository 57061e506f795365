-- A run a trigger starts is requested by 'trigger:NAME', and a trigger's name may hold 255 characters.
alter table target_run alter column requested_by set data type varchar(300);
