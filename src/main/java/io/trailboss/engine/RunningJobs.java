package io.trailboss.engine;

import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.store.JobStore;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Jobs as their runners and processes meet them: taken (RUNNING, with a fresh token) and recognised by that token. */
final class RunningJobs {
    private final Jdbi jdbi;
    private final JobStore jobs;
    private final Clock clock;

    RunningJobs(Jdbi jdbi, JobStore jobs, Clock clock) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.clock = clock;
    }

    /**
     * A runner took a job: it shows RUNNING (committed before the action starts, so no outcome can
     * race it). Returns the job's token, which only the job's process gets, or null if the job is
     * no longer queued (cancelled or interrupted before it started): then it must not run.
     */
    String started(String jobId, String runner) {
        String token = JobTokens.issue(jobId);
        boolean started = jdbi.withHandle(h -> jobs.start(h, jobId, runner, JobTokens.hash(token), clock.millis()));
        return started ? token : null;
    }

    /**
     * The job a token belongs to, if that job is still running: what a job's process may act on
     * (its own target's params). A token of a finished job is stale.
     */
    Job forToken(String jobId, String token) {
        Job job = jdbi.withHandle(h -> jobs.find(h, jobId)).orElseThrow(() -> new NotFoundException("job '" + jobId + "' does not exist"));
        if (token == null || job.token() == null || !JobTokens.matches(token, job.token())) {
            throw new UnauthorizedException("the job token is missing or wrong for job '" + jobId + "'");
        }
        if (job.state() != JobState.RUNNING) throw new ConflictException("job '" + jobId + "' is " + job.state() + ": its token is no longer valid");
        return job;
    }

    /** The running job a token belongs to, without knowing the job's id (a job token given as a password); empty otherwise. */
    Optional<Job> forToken(String token) {
        if (token == null || token.isBlank() || token.length() > 200) return Optional.empty();
        Optional<String> named = JobTokens.jobIdOf(token);
        if (named.isEmpty() && !JobTokens.unnamedShape(token)) return Optional.empty();
        return jdbi.withHandle(h -> named.isPresent()
                        ? jobs.find(h, named.get()).filter(j -> j.token() != null && JobTokens.matches(token, j.token()))
                        : jobs.runningByTokenHash(h, JobTokens.hash(token)))
                .filter(j -> j.state() == JobState.RUNNING);
    }
}
