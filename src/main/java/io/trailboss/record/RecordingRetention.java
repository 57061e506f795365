package io.trailboss.record;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes recordings older than a number of days on a schedule (the server's
 * {@code --recordings-retention-days}): once at start, then every {@code every}. Every node of a
 * cluster may run it; a prune is idempotent.
 */
public final class RecordingRetention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingRetention.class);
    private final Recordings recordings;
    private final Duration keep;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("recording-retention").unstarted(r));

    public RecordingRetention(Recordings recordings, Duration keep) {
        if (keep.isNegative() || keep.isZero()) throw new IllegalArgumentException("the retention must be at least a day");
        this.recordings = recordings;
        this.keep = keep;
    }

    public RecordingRetention start(Duration every) {
        timer.scheduleWithFixedDelay(this::runOnce, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One prune; a failure is logged and the next run tries again. */
    public Recordings.Pruned runOnce() {
        try {
            Recordings.Pruned p = recordings.prune(keep);
            if (p.playbooks() > 0 || p.contents() > 0) {
                LOG.info("recording retention: removed {} playbooks and {} file contents older than {} days", p.playbooks(), p.contents(), keep.toDays());
            }
            return p;
        } catch (RuntimeException e) {
            LOG.warn("recording retention failed; trying again at the next run", e);
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
