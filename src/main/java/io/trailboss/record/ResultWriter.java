package io.trailboss.record;

import io.trailboss.store.BatchingQueue;
import io.trailboss.store.Database;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Jdbi;

/**
 * Group commit for results, the bulk of a recording: posting threads queue their rows and wait;
 * a writer thread inserts whatever is queued as one batch in one transaction (one writer on H2,
 * several taking turns on PostgreSQL, see {@link #writers}), so the rows
 * that arrive while a commit is running share the next one, and each request answers only
 * after the commit that holds its row. A batch that fails (a bad reference in one row) is
 * retried row by row, so that only the bad row's request gets its 400. (Posting threads that
 * took turns as the writer competed for its lock and polled for their rows: more CPU per
 * result with many clients than with few.)
 */
final class ResultWriter {
    private static final int MAX_BATCH = 512;
    private static final Duration LINGER = Duration.ofNanos(500_000);
    private final Jdbi jdbi;
    private final RecordStore store;
    private final int writers;
    private BatchingQueue<Pending> queue;
    private boolean closed;

    ResultWriter(Database database, RecordStore store) {
        this.jdbi = database.jdbi();
        this.store = store;
        this.writers = writers(database.dialect());
    }

    /**
     * Result writer threads: H2 commits one transaction at a time and spends CPU, not waiting, on each,
     * so one writer; a PostgreSQL commit mostly waits for its WAL flush, and concurrent commits share
     * flushes, so while one batch waits for its flush the next ones are inserted (one writer left
     * PostgreSQL's ingest bound by flush latency, at ~3,000 results/s with CPU to spare).
     */
    static int writers(Database.Dialect dialect) {
        return dialect == Database.Dialect.POSTGRES ? 4 : 1;
    }

    private record Pending(Map<String, Object> values, CompletableFuture<Long> id) {}

    /** Inserts one result's row; answers its id once the commit that holds it is done. */
    long insert(Map<String, Object> values) {
        Pending mine = new Pending(values, new CompletableFuture<>());
        if (!queue().offer(mine)) throw new IllegalStateException("the recording store is closed");
        try {
            // bounded: a writer gone for good (the store closed in between) must not hold the request forever
            return mine.id().get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the result was not recorded within 60 s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording a result", e);
        }
    }

    /**
     * The writers start with the first result (a server that records nothing has no such thread). Rows
     * arriving within the linger join a commit when several clients are posting (the last commit held
     * several rows); a lone client (ARA's callback posts one result at a time) never waits.
     */
    private synchronized BatchingQueue<Pending> queue() {
        if (closed) throw new IllegalStateException("the recording store is closed");
        if (queue == null) queue = new BatchingQueue<>("recording-results", Integer.MAX_VALUE, MAX_BATCH, writers, LINGER, this::writeOrFail);
        return queue;
    }

    /** Rows still queued fail (their posts answer). */
    synchronized void close() {
        closed = true;
        if (queue == null) return;
        IllegalStateException closedStore = new IllegalStateException("the recording store is closed");
        for (Pending p : queue.close(Duration.ZERO)) p.id().completeExceptionally(closedStore);
    }

    private void writeOrFail(List<Pending> batch) {
        try {
            write(batch);
        } catch (RuntimeException e) {
            for (Pending p : batch) p.id().completeExceptionally(e);
        }
    }

    private void write(List<Pending> batch) {
        List<String> columns = new ArrayList<>(batch.getFirst().values().keySet());
        boolean same = batch.stream().allMatch(b -> b.values().keySet().equals(new LinkedHashSet<>(columns)));
        if (batch.size() > 1 && same) {
            try {
                List<Long> ids = jdbi.inTransaction(h -> store.insertResults(h, columns, batch.stream().map(Pending::values).toList()));
                if (ids.size() == batch.size()) {
                    for (int i = 0; i < ids.size(); i++) batch.get(i).id().complete(ids.get(i));
                    return;
                }
                throw new IllegalStateException("the database returned " + ids.size() + " keys for " + batch.size() + " rows");
            } catch (RuntimeException e) {
                // one bad row spoils the batch: below, each row alone, each with its own answer
            }
        }
        for (Pending b : batch) {
            try {
                b.id().complete(jdbi.withHandle(h -> store.insert(h, AraResource.RESULTS, b.values())));
            } catch (RuntimeException e) {
                b.id().completeExceptionally(e);
            }
        }
    }
}
