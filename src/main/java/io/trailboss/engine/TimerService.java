package io.trailboss.engine;

import io.trailboss.model.Timer;
import io.trailboss.store.TimerStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires durable timer rows, whichever node armed them. One thread per node sleeps until the next
 * due timer it knows of (a timer armed here, one another node announced, or what the table says)
 * or at most {@link #POLL_MS}, then claims due timers ({@code FOR UPDATE SKIP LOCKED}, held for a
 * lease) and fires each in its own transaction, which deletes the row: a timer whose row is gone
 * does nothing, so a timer never acts twice, and a claim of a node that died runs out (or is
 * released by the survivor that recovers the node).
 */
public final class TimerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimerService.class);
    static final long POLL_MS = 1000;
    private static final int BATCH = 200;

    private final Clock clock;
    private final Jdbi jdbi;
    private final String node;
    private final Consumer<Timer> fire;
    private final TimerStore store = new TimerStore();
    private final Object wake = new Object();
    private long wakeAt = 0; // guarded by wake
    private volatile long claimMillis = 10_000;
    private volatile boolean running = true;
    private final Thread thread;

    TimerService(Clock clock, Jdbi jdbi, String node, Consumer<Timer> fire) {
        this.clock = clock;
        this.jdbi = jdbi;
        this.node = node;
        this.fire = fire;
        this.thread = Thread.ofPlatform().daemon().name("timers").start(this::loop);
    }

    /** How long a claim holds a timer for this node (the node lease). */
    public void claimFor(long millis) {
        claimMillis = Math.max(1000, millis);
    }

    /** A timer committed here or announced by another node: wake up by its due time. */
    public void arm(Timer timer) {
        due(timer.dueAt());
    }

    /** Something is due at {@code dueAt} (or the table changed): look no later than then. */
    public void due(long dueAt) {
        synchronized (wake) {
            if (dueAt < wakeAt) {
                wakeAt = dueAt;
                wake.notifyAll();
            }
        }
    }

    private void loop() {
        while (running) {
            try {
                long now = clock.millis();
                List<Timer> claimed = jdbi.inTransaction(h -> store.claimDue(h, node, now, now + claimMillis, BATCH));
                fireAll(claimed);
                if (claimed.size() == BATCH) continue;
                Long next = jdbi.withHandle(h -> store.nextUnclaimed(h, clock.millis()));
                synchronized (wake) {
                    long limit = clock.millis() + POLL_MS;
                    wakeAt = next == null ? limit : Math.min(limit, next);
                    while (running) {
                        long left = wakeAt - clock.millis();
                        if (left <= 0) break;
                        wake.wait(Math.min(left, POLL_MS));
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) return;
                LOG.warn("firing timers failed: {}", e.toString());
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void fireAll(List<Timer> timers) throws InterruptedException {
        if (timers.isEmpty()) return;
        List<Thread> threads = new ArrayList<>(timers.size());
        for (Timer t : timers) {
            threads.add(Thread.startVirtualThread(() -> {
                try {
                    fire.accept(t);
                } catch (RuntimeException e) {
                    LOG.warn("timer {} failed: {}", t.id(), e.toString());
                }
            }));
        }
        for (Thread t : threads) t.join();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
