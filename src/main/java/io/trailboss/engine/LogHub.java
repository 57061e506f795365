package io.trailboss.engine;

import io.trailboss.store.JobLogStore.Chunk;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Live delivery of log chunks to whoever follows a job or a whole execution (SSE clients). Chunks
 * are stored before they are published, so a follower that reads the history and then subscribes
 * misses nothing (it drops the chunks it has already seen by their sequence number). A null chunk
 * means the job has ended.
 */
public final class LogHub {
    private final Map<String, Set<BiConsumer<String, Chunk>>> byJob = new ConcurrentHashMap<>();
    private final Map<String, Set<BiConsumer<String, Chunk>>> byExecution = new ConcurrentHashMap<>();

    /** Subscribes to one job's chunks; the listener gets (job id, chunk). Returns the unsubscribe. */
    public Runnable followJob(String jobId, BiConsumer<String, Chunk> listener) {
        return follow(byJob, jobId, listener);
    }

    public Runnable followExecution(String executionId, BiConsumer<String, Chunk> listener) {
        return follow(byExecution, executionId, listener);
    }

    private static Runnable follow(Map<String, Set<BiConsumer<String, Chunk>>> map, String key, BiConsumer<String, Chunk> listener) {
        map.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(listener);
        return () -> map.computeIfPresent(key, (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** True when someone here follows the job or its execution. */
    boolean follows(String executionId, String jobId) {
        return byJob.containsKey(jobId) || (executionId != null && byExecution.containsKey(executionId));
    }

    void publish(String executionId, String jobId, Chunk chunk) {
        deliver(byJob.get(jobId), jobId, chunk);
        deliver(byExecution.get(executionId), jobId, chunk);
    }

    /** Tells a job's followers that no more chunks will come (they get a null chunk). */
    void end(String jobId) {
        deliver(byJob.get(jobId), jobId, null);
    }

    private static void deliver(Set<BiConsumer<String, Chunk>> listeners, String jobId, Chunk chunk) {
        if (listeners == null) return;
        for (BiConsumer<String, Chunk> l : listeners) {
            try {
                l.accept(jobId, chunk);
            } catch (RuntimeException gone) {
                // a follower that cannot take more is dropped by its own connection handling
            }
        }
    }
}
