-- The target an execution is bound to (the target of the run that started it; a sub-workflow's is its
-- parent's), by id so that a renamed target keeps its executions. Readers whose grants are scoped to
-- targets see the executions of their targets; their lists filter on it.
alter table execution add column target_id varchar(36);
update execution set target_id = (select r.target_id from target_run r where r.execution_id = execution.id)
    where id in (select execution_id from target_run where execution_id is not null and target_id is not null);
update execution set target_id = (select r.target_id from execution r where r.id = execution.root_execution_id)
    where parent_job_id is not null and target_id is null;
create index execution_by_target on execution (target_id, created_at);
