package io.trailboss.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue then write in batches: callers {@link #offer} items, named daemon writer threads take whatever
 * is queued (up to a batch's size) and hand it to the writer in one call, so the items that arrive while
 * one batch is written share the next one (one commit for many). Every group-committing queue of
 * Trailboss is one of these.
 *
 * <p>The queue is bounded: {@link #offer} answers false when it is full or closed, and the caller
 * decides, out loud, what that means for its item (nothing is dropped here without the caller knowing).
 * {@link #flush} waits for what was queued before it; {@link #close} writes what is queued within a
 * time and hands back what it could not write. With several writer threads they collect in turn, so
 * batches are written in parallel but each holds items that arrived one after the other.
 */
public final class BatchingQueue<T> {
    private static final Logger LOG = LoggerFactory.getLogger(BatchingQueue.class);
    /** How long a writer waits for an item before it looks again whether the queue is closing. */
    private static final long IDLE_POLL_MS = 100;
    /** How long {@link #close} waits for a batch being written when it closes. */
    private static final long IN_PROGRESS_WAIT_MS = 2_000;

    /** Writes one batch; what it throws is logged and the batch counts as done (a writer that must answer its items does so itself). */
    @FunctionalInterface
    public interface Writer<T> {
        void write(List<T> batch);
    }

    private record Queued<T>(long seq, T item) {}

    private final String name;
    private final int maxBatch;
    private final long lingerNanos;
    private final Writer<T> writer;
    private final LinkedBlockingQueue<Queued<T>> queue;
    private final ReentrantLock collecting = new ReentrantLock();
    private final List<Thread> threads = new ArrayList<>();
    /** Guards the sequence numbers below; waited on by {@link #flush} and {@link #close}. */
    private final Object monitor = new Object();
    private long lastQueued;
    /** Every item up to this sequence number is written (or failed, or handed back). */
    private long doneUpTo;
    /** Finished batches beyond {@link #doneUpTo}, first → last sequence number (with several writers a later batch may end first). */
    private final TreeMap<Long, Long> doneAhead = new TreeMap<>();
    private boolean closed;
    private volatile boolean stopping;

    /** One writer thread named {@code name}, no lingering. */
    public BatchingQueue(String name, int capacity, int maxBatch, Writer<T> writer) {
        this(name, capacity, maxBatch, 1, Duration.ZERO, writer);
    }

    /**
     * {@code writers} threads ({@code name-0}, {@code name-1}, ... when more than one). With a {@code linger}
     * above zero a writer whose previous batch held several items waits up to that long for as many
     * again (several clients are sending: the ones arriving now share this write), while a lone
     * sender's item never waits.
     */
    public BatchingQueue(String name, int capacity, int maxBatch, int writers, Duration linger, Writer<T> writer) {
        if (capacity < 1 || maxBatch < 1 || writers < 1) throw new IllegalArgumentException("capacity, batch size and writers must be at least 1");
        this.name = name;
        this.maxBatch = maxBatch;
        this.lingerNanos = linger.toNanos();
        this.writer = writer;
        this.queue = new LinkedBlockingQueue<>(capacity);
        for (int i = 0; i < writers; i++) {
            threads.add(Thread.ofPlatform().daemon().name(writers == 1 ? name : name + "-" + i).unstarted(this::loop));
        }
        threads.forEach(Thread::start);
    }

    /** Queues an item; false when the queue is full or closed (the item was not taken). */
    public boolean offer(T item) {
        synchronized (monitor) {
            if (closed) return false;
            // numbered and queued under one lock: queue order is number order, so each batch is a run of numbers
            if (!queue.offer(new Queued<>(lastQueued + 1, item))) return false;
            lastQueued++;
            return true;
        }
    }

    public boolean isClosed() {
        synchronized (monitor) {
            return closed;
        }
    }

    /** Items waiting to be taken into a batch. */
    public int size() {
        return queue.size();
    }

    /** True while every writer thread runs (a readiness check: a writer that died leaves its items waiting). */
    public boolean writersAlive() {
        return threads.stream().allMatch(Thread::isAlive);
    }

    /** True on one of this queue's writer threads (work done there must not wait for the queue). */
    public boolean isWriterThread() {
        return threads.contains(Thread.currentThread());
    }

    /**
     * Waits until every item queued before this call is written (or its write failed), at most
     * {@code timeout}; true when it was. On a writer thread it does not wait (it would wait for itself).
     */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            long target = lastQueued;
            if (isWriterThread()) return doneUpTo >= target;
            while (doneUpTo < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Takes no more items, lets the writers write what is queued for at most {@code drainFor}, then
     * stops them (a batch being written gets up to 2 s more to end) and answers the items it did not
     * write, oldest first, for the caller to account for. Closing again answers nothing.
     */
    public List<T> close(Duration drainFor) {
        synchronized (monitor) {
            if (closed) return List.of();
            closed = true;
        }
        if (!drainFor.isZero() && !isWriterThread()) flush(drainFor);
        stopping = true;
        List<Queued<T>> left = new ArrayList<>();
        collecting.lock(); // a writer collecting a batch finishes collecting it first
        try {
            queue.drainTo(left);
        } finally {
            collecting.unlock();
        }
        if (!left.isEmpty()) done(left.getFirst().seq(), left.getLast().seq());
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IN_PROGRESS_WAIT_MS);
        for (Thread t : threads) {
            if (t == Thread.currentThread()) continue;
            try {
                t.join(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return left.stream().map(Queued::item).toList();
    }

    private void loop() {
        List<Queued<T>> batch = new ArrayList<>(maxBatch);
        int expected = 1;
        while (true) {
            try {
                if (!collect(batch, expected)) return;
            } catch (InterruptedException e) {
                // nobody interrupts these threads on purpose; what was collected is still written below
                if (batch.isEmpty()) continue;
            }
            expected = batch.size();
            List<T> items = new ArrayList<>(batch.size());
            for (Queued<T> q : batch) items.add(q.item());
            try {
                writer.write(items);
            } catch (RuntimeException e) {
                LOG.error("{}: writing a batch of {} failed", name, items.size(), e);
            } finally {
                done(batch.getFirst().seq(), batch.getLast().seq());
                batch.clear();
            }
        }
    }

    /** Collects the next batch into {@code batch}; false when the queue is closing and nothing more is to be taken. */
    private boolean collect(List<Queued<T>> batch, int expected) throws InterruptedException {
        // writers collect in turn: the one collecting gathers what arrives while the others write
        collecting.lock();
        try {
            Queued<T> first = null;
            while (first == null) {
                if (stopping) return false;
                first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
            }
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            if (lingerNanos > 0) {
                long until = System.nanoTime() + lingerNanos;
                while (batch.size() < Math.min(expected, maxBatch)) {
                    long left = until - System.nanoTime();
                    Queued<T> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (next == null) break;
                    batch.add(next);
                    queue.drainTo(batch, maxBatch - batch.size());
                }
            }
            return true;
        } finally {
            collecting.unlock();
        }
    }

    private void done(long first, long last) {
        synchronized (monitor) {
            doneAhead.put(first, last);
            Long end;
            while ((end = doneAhead.remove(doneUpTo + 1)) != null) doneUpTo = end;
            monitor.notifyAll();
        }
    }
}
