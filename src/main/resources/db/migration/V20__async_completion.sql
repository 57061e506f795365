-- The external completion that finished an async job, as given (state, output, error in canonical JSON):
-- the same completion again is answered as before, a different one is a conflict.
alter table job add column completion text;
