package io.trailboss.agent;

import io.trailboss.engine.ConflictException;
import io.trailboss.engine.Engine;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.JobLogs;
import io.trailboss.engine.NotFoundException;
import io.trailboss.model.Job;
import io.trailboss.model.JobReport;
import io.trailboss.model.JobState;
import io.trailboss.store.JobStore;
import org.jdbi.v3.core.Jdbi;

/**
 * The logs of agents' jobs: masked here, as for local jobs (the job's secrets and token, a secret
 * cut across chunks included), whatever the agent did: an agent may be old, or not ours.
 */
final class RemoteLogs {
    private final Engine engine;
    private final Jdbi jdbi;
    private final JobStore jobs;
    private final JobMasks masks;

    RemoteLogs(Engine engine, JobStore jobs, JobMasks masks) {
        this.engine = engine;
        this.jdbi = engine.jdbi();
        this.jobs = jobs;
        this.masks = masks;
    }

    /** False when the log is at its cap: the agent stops the job and fails it, as the local runner does. */
    boolean append(AgentToken agent, String jobId, String text) {
        if (text.length() > JobLogs.MAX_CHUNK) {
            throw new InvalidInputException("text", "a log chunk may hold at most " + JobLogs.MAX_CHUNK + " characters, not " + text.length() + "; send it in smaller chunks");
        }
        Job job = held(agent, jobId);
        return engine.jobLogs().append(job.executionId(), job.id(), text, masks.of(job));
    }

    private Job held(AgentToken agent, String jobId) {
        return jdbi.withHandle(h -> {
            Job job = jobs.find(h, jobId).orElseThrow(() -> new NotFoundException("job '" + jobId + "' does not exist"));
            JobReport report = jobs.storedReport(h, jobId).orElse(null);
            if (job.state() != JobState.RUNNING || !agent.runner().equals(job.runner()) || report != null || !jobs.acked(h, jobId)) {
                throw new ConflictException("job '" + jobId + "' is not held by " + agent.runner() + " (it is " + job.state()
                        + (job.runner() == null ? "" : " under " + job.runner()) + ReportCheck.describe(report) + ")");
            }
            return job;
        });
    }
}
