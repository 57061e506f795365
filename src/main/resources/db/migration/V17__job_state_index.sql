-- One index on a job's state serves both the queue (state alone) and the inbox (state and action):
-- every change of a job's state rewrote two index entries where one does, and each commit on the
-- embedded database writes every index page it changed.
drop index job_by_state;
drop index job_by_action_state;
create index job_by_state_action on job (state, action);
