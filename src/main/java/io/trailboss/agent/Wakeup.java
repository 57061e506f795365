package io.trailboss.agent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Long polls of agents (claims, standard input) that wait for something to arrive: woken in-process
 * at once, and looking again every second anyway, for what another server node created.
 */
final class Wakeup {
    static final long FALLBACK_POLL_MS = 1000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version;
    private volatile boolean closed;

    /** Looks until it finds something, the wait is over or the hub closes; answers what it found last. */
    <T> List<T> poll(Duration wait, Supplier<List<T>> look) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long seen = version();
            List<T> got = look.get();
            long left = deadline - System.nanoTime();
            if (!got.isEmpty() || left <= 0 || closed) return got;
            await(seen, Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, FALLBACK_POLL_MS));
        }
    }

    void signal() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        closed = true;
        signal();
    }

    private long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    private void await(long seen, long millis) throws InterruptedException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            while (!closed && version == seen && nanos > 0) nanos = changed.awaitNanos(nanos);
        } finally {
            lock.unlock();
        }
    }
}
