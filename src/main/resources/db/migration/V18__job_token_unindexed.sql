-- A job token names its job (tbj_<job id>.<secret>), which is found by its key. The index of token
-- hashes put each claimed job in a random leaf of the index: on the embedded database, a page
-- written again at every commit, about 40% of the bytes a commit of claims wrote.
drop index job_by_token;
