package io.trailboss.engine;

import io.trailboss.model.Timer;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Arms in-memory wake-ups for durable timer rows. The row is the truth: after a restart every
 * row is armed again, and firing a timer whose row is gone does nothing.
 */
public final class TimerService implements AutoCloseable {
    private final Clock clock;
    private final Consumer<Timer> fire;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "timers");
        t.setDaemon(true);
        return t;
    });

    TimerService(Clock clock, Consumer<Timer> fire) {
        this.clock = clock;
        this.fire = fire;
    }

    void arm(Timer timer) {
        long delay = Math.max(0, timer.dueAt() - clock.millis());
        scheduler.schedule(() -> Thread.startVirtualThread(() -> fire.accept(timer)), delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
