-- The web UI's result list filtered by status (all playbooks): the rows of one status, newest first, and
-- their count, without reading every result.
create index rec_result_by_status on rec_result (status, id);
