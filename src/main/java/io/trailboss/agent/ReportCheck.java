package io.trailboss.agent;

import io.trailboss.engine.ConflictException;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.model.Job;
import io.trailboss.model.JobReport;
import io.trailboss.model.JobState;

/** Whether an agent's report may be stored: decided from the locked job and the report stored with it. */
final class ReportCheck {
    private ReportCheck() {}

    static void checkReported(JobState reported) {
        if (reported != JobState.SUCCEEDED && reported != JobState.FAILED && reported != JobState.INCOMPLETE) {
            throw new InvalidInputException("state", "an agent reports SUCCEEDED, FAILED or INCOMPLETE, not " + reported);
        }
    }

    /**
     * False when the report repeats what is stored (harmless), true when it may be stored, and a
     * conflict when the agent no longer holds the job.
     */
    static boolean isNew(AgentToken agent, Job job, JobState reported, JobReport stored, boolean acked) {
        String jobId = job.id();
        if (stored != null) {
            if (stored.repeats(agent.runner(), JobReport.Outcome.named(reported.name()))) return false;
            throw new ConflictException("job '" + jobId + "' is no longer held by " + agent.runner() + describe(stored));
        }
        if (job.state().isFinal()) {
            if (agent.runner().equals(job.runner()) && job.state() == reported) return false;
            throw new ConflictException("job '" + jobId + "' is already " + job.state() + (job.error() == null ? "" : " (" + job.error() + ")") + "; this report changes nothing");
        }
        if (job.state() != JobState.RUNNING || !agent.runner().equals(job.runner()) || !acked) {
            throw new ConflictException("job '" + jobId + "' is not held by " + agent.runner() + " (it is " + job.state() + (job.runner() == null ? "" : " under " + job.runner()) + ")");
        }
        return true;
    }

    static String describe(JobReport report) {
        if (report == null) return "";
        return "; it was reported " + report.state() + (report.error() == null ? "" : " (" + report.error() + ")");
    }
}
