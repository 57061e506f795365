-- The job whose token created a playbook (null when a person or a service token did): a job token
-- may write only the recordings of playbooks its own job created.
alter table rec_playbook add column job_id varchar(64);
