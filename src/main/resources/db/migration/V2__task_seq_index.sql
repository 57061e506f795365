-- The engine asks for an execution's highest task seq whenever it creates a task: with this index
-- that is one index probe (order by execution_id, seq desc limit 1) instead of a scan of every task
-- the execution has run, which made long chains quadratic.
create index task_by_execution_seq on task_execution (execution_id, seq desc);

-- A finishing task deletes its timers by task: an index, not a scan of every pending timer.
create index timer_by_task on timer (task_execution_id);
