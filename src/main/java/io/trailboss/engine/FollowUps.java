package io.trailboss.engine;

import io.trailboss.model.Timer;
import io.trailboss.store.TimerStore;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a committed engine transaction sets going: jobs handed to the runner, processes stopped,
 * timers armed, other nodes woken, parents told of ended children and children of cancelled
 * parents cancelled. Only after commit, so that nothing leaves the process before it is durable.
 */
final class FollowUps implements Consumer<Effects> {
    private static final Logger LOG = LoggerFactory.getLogger(FollowUps.class);

    private final Supplier<JobRunner> runner;
    private final Supplier<NodeSignals> signals;
    private final TimerService timerService;
    private final Jdbi jdbi;
    private final TimerStore timers;
    private final Consumer<JobOutcome> jobDone;
    private final Consumer<String> childFinished;
    private final Consumer<String> cancelChild;

    FollowUps(Supplier<JobRunner> runner, Supplier<NodeSignals> signals, TimerService timerService, Jdbi jdbi, TimerStore timers,
            Consumer<JobOutcome> jobDone, Consumer<String> childFinished, Consumer<String> cancelChild) {
        this.runner = runner;
        this.signals = signals;
        this.timerService = timerService;
        this.jdbi = jdbi;
        this.timers = timers;
        this.jobDone = jobDone;
        this.childFinished = childFinished;
        this.cancelChild = cancelChild;
    }

    /** What a committed transaction set going, once its listeners have heard of it. */
    @Override
    public void accept(Effects effects) {
        effects.interrupts.forEach((job, grace) -> {
            runner.get().interrupt(job, grace);
            signals.get().interrupt(job, grace);
        });
        if (!effects.jobs.isEmpty()) runner.get().submit(effects.jobs);
        effects.timers.forEach(timerService::arm);
        effects.timers.stream().mapToLong(Timer::dueAt).min().ifPresent(signals.get()::timerArmed);
        effects.failedJobs.forEach(jobDone);
        for (String parentJob : effects.finishedChildrenParentJobs) {
            Thread.startVirtualThread(() -> safely(() -> childFinished.accept(parentJob)));
        }
        for (String child : effects.childrenToCancel) {
            Thread.startVirtualThread(() -> safely(() -> cancelChild.accept(child)));
        }
        for (String executionId : effects.rearm) {
            // a paused execution's timers were kept, some claimed: due again for any node
            safely(() -> jdbi.useHandle(h -> timers.releaseClaimsOf(h, executionId)));
            timerService.due(0);
            signals.get().timerArmed(0);
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("engine follow-up failed", e);
        }
    }
}
