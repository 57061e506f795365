package io.trailboss.agent;

import io.trailboss.engine.Engine;
import io.trailboss.engine.JobOutcome;

/** Hands a stored outcome of an agent's job to the engine's queue; the job's log ends before the outcome is seen. */
final class OutcomeDelivery {
    private final Engine engine;
    private final JobMasks masks;

    OutcomeDelivery(Engine engine, JobMasks masks) {
        this.engine = engine;
        this.masks = masks;
    }

    void deliver(JobOutcome outcome) {
        masks.forget(outcome.jobId());
        engine.jobLogs().closed(outcome.jobId());
        engine.jobDone(outcome);
    }
}
