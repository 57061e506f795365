-- What kind of error a task has, so that the engine never reads its message to decide: a join whose
-- arrivals can no longer come, or an expression failure that ends the whole workflow (as in Mistral),
-- with the message the workflow ends with (kept across engine steps while other items still run).
alter table task_execution add column error_kind varchar(32);
alter table task_execution add column error_cause text;
update task_execution set error_kind = 'JOIN_UNSATISFIED'
    where state = 'ERROR' and state_info like 'join can no longer be satisfied%';
