package io.trailboss.agent;

import io.trailboss.engine.Engine;
import io.trailboss.engine.Ids;
import io.trailboss.engine.LocalRunner;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.store.AgentInputStore;
import io.trailboss.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * Text for a running job's standard input: written to a local job at once; for a job that runs
 * elsewhere (an agent's, or a local job on another node) stored in {@code agent_input} until its
 * runner takes it, each text once.
 */
final class StdinRelay {
    private final Engine engine;
    private final LocalRunner local;
    private final Jdbi jdbi;
    private final JobStore jobs;
    private final Clock clock;
    private final Wakeup wakeup;
    private final AgentInputStore inputs = new AgentInputStore();
    private final AtomicLong seq = new AtomicLong();

    StdinRelay(Engine engine, LocalRunner local, JobStore jobs, Clock clock, Wakeup wakeup) {
        this.engine = engine;
        this.local = local;
        this.jdbi = engine.jdbi();
        this.jobs = jobs;
        this.clock = clock;
        this.wakeup = wakeup;
    }

    boolean send(String jobId, String text) {
        if (local.send(jobId, text)) return true;
        String[] runner = new String[1];
        boolean stored = jdbi.inTransaction(h -> {
            Job job = jobs.lock(h, jobId).orElse(null);
            // an agent's job, or a local job on another node: its runner takes the text from agent_input
            boolean elsewhere = job != null && job.runner() != null && (job.runner().startsWith(AgentHub.RUNNER_PREFIX)
                    || (job.runner().startsWith("node:") && !job.runner().equals(local.name())));
            if (job == null || job.state() != JobState.RUNNING || !elsewhere || jobs.storedReport(h, jobId).isPresent()) return false;
            runner[0] = job.runner();
            inputs.insert(h, Ids.next(), jobId, job.runner(), text, clock.millis(), seq.incrementAndGet());
            return true;
        });
        if (stored && runner[0].startsWith(AgentHub.RUNNER_PREFIX)) wakeup.signal();
        else if (stored) engine.signals().inputStored(runner[0]);
        return stored;
    }

    List<AgentHub.Input> take(AgentToken agent, Duration wait) throws InterruptedException {
        return wakeup.poll(wait, () -> jdbi.inTransaction(h -> inputs.take(h, agent.runner())).stream()
                .map(i -> new AgentHub.Input(i.jobId(), i.text())).toList());
    }

    /** Text for the jobs of an agent that restarted: they are gone. */
    void dropFor(AgentToken agent) {
        jdbi.useHandle(h -> inputs.dropFor(h, agent.runner()));
    }
}
