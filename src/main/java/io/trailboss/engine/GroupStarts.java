package io.trailboss.engine;

import io.trailboss.model.Execution;
import io.trailboss.store.BatchingQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts that arrive together share one transaction (group commit): a single starter thread takes
 * every waiting request, creates them all, commits once, then answers each caller. A batch that
 * fails is redone one start per transaction, so one bad request never fails another.
 */
final class GroupStarts {
    private static final Logger LOG = LoggerFactory.getLogger(GroupStarts.class);

    private final StepTransactions steps;
    private final NewExecutions newExecutions;
    private final Supplier<StepContext> context;
    /** One start in a transaction of its own. */
    private final Function<StartRequest, Execution> single;
    /*
     * Unbounded, as the engine's other queues: a start may be neither refused nor dropped, and a caller
     * blocked on a full queue could hold up the thread that would drain it.
     */
    private final BatchingQueue<PendingStart> starts;
    private volatile boolean closed;

    GroupStarts(StepTransactions steps, NewExecutions newExecutions, Supplier<StepContext> context, Function<StartRequest, Execution> single) {
        this.steps = steps;
        this.newExecutions = newExecutions;
        this.context = context;
        this.single = single;
        this.starts = new BatchingQueue<>("engine-starter", Integer.MAX_VALUE, Engine.BATCH, this::startBatch);
    }

    int waiting() {
        return starts.size();
    }

    boolean alive() {
        return starts.writersAlive();
    }

    void close() {
        closed = true;
        for (PendingStart p : starts.close(Duration.ZERO)) p.result().completeExceptionally(new IllegalStateException("the engine is closed"));
    }

    /**
     * Starts an execution; returns once it is committed. Starts that arrive together share one
     * transaction (group commit): a single starter thread takes every waiting request, creates
     * them all, commits once, then answers each caller. A batch that fails is redone one start
     * per transaction, so one bad request never fails another.
     */
    Execution start(StartRequest request) {
        if (starts.isWriterThread() || closed) return single.apply(request);
        PendingStart pending = new PendingStart(request, new CompletableFuture<>());
        if (!starts.offer(pending)) throw new IllegalStateException("the engine is closed");
        try {
            return pending.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    private record PendingStart(StartRequest request, CompletableFuture<Execution> result) {}

    private void startBatch(List<PendingStart> batch) {
        try {
            startAll(batch);
        } catch (RuntimeException e) {
            LOG.error("starting executions failed", e);
            for (PendingStart p : batch) p.result().completeExceptionally(e);
        }
    }

    private void startAll(List<PendingStart> batch) {
        if (batch.size() > 1) {
            try {
                List<Execution> started = steps.run(h -> {
                    Effects effects = new Effects();
                    List<Execution> out = new ArrayList<>(batch.size());
                    for (PendingStart p : batch) out.add(newExecutions.start(context.get(), h, p.request(), effects));
                    return new Effects.Result<>(out, effects);
                }).value();
                for (int i = 0; i < batch.size(); i++) batch.get(i).result().complete(started.get(i));
                return;
            } catch (RuntimeException batchFailed) {
                // one of them is bad (unknown workflow, wrong input): each on its own, below
            }
        }
        for (PendingStart p : batch) {
            try {
                p.result().complete(single.apply(p.request()));
            } catch (RuntimeException | Error e) {
                p.result().completeExceptionally(e);
            }
        }
    }
}
