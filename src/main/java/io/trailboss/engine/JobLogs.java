package io.trailboss.engine;

import io.trailboss.store.JobLogStore;
import io.trailboss.store.JobLogStore.Chunk;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Appends to job logs: each chunk is committed, then published live. A log stops growing at the
 * per-job cap, and its last chunk says so.
 */
public final class JobLogs {
    public static final long DEFAULT_CAP = 4L * 1024 * 1024;
    public static final int MAX_CHUNK = 256 * 1024;

    private final Jdbi jdbi;
    private final Clock clock;
    private final LogHub hub;
    private volatile long cap;
    private final JobLogStore store = new JobLogStore();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public JobLogs(Jdbi jdbi, Clock clock, LogHub hub, long cap) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.hub = hub;
        this.cap = cap;
    }

    /** Sets the per-job cap in bytes (characters) for logs written from now on. */
    public void cap(long bytes) {
        if (bytes < 1024) throw new IllegalArgumentException("a log cap below 1024 bytes is too small to be useful: " + bytes);
        this.cap = bytes;
    }

    public LogHub hub() {
        return hub;
    }

    /** Appends a chunk; returns false when the log had already reached its cap (nothing stored). */
    public boolean append(String executionId, String jobId, String text) {
        if (text.isEmpty()) return true;
        if (text.length() > MAX_CHUNK) throw new InvalidInputException("chunk", "a log chunk may hold at most " + MAX_CHUNK + " characters, not " + text.length());
        // one writer per job at a time keeps chunk numbers dense and in order
        synchronized (locks.computeIfAbsent(jobId, k -> new Object())) {
            Chunk stored = jdbi.inTransaction(h -> {
                long size = store.size(h, jobId);
                if (size >= cap) return null;
                String chunk = text;
                if (size + text.length() > cap) {
                    chunk = text.substring(0, (int) (cap - size)) + "\n[log truncated: the job's log reached its cap of " + cap + " bytes]\n";
                }
                int seq = store.nextSeq(h, jobId);
                long at = clock.millis();
                store.append(h, jobId, seq, at, chunk);
                return new Chunk(seq, at, chunk);
            });
            if (stored == null) return false;
            hub.publish(executionId, jobId, stored);
            return true;
        }
    }

    public List<Chunk> read(String jobId, int from) {
        return jdbi.withHandle(h -> store.from(h, jobId, from));
    }

    /** The job's process is over: followers of the job are told, and the per-job lock is dropped. */
    public void closed(String jobId) {
        locks.remove(jobId);
        hub.end(jobId);
    }
}
