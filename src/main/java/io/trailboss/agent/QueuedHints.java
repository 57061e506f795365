package io.trailboss.agent;

import io.trailboss.store.JobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Jobs this node queued for agents, oldest first (ids are time-ordered): a hint that spares a
 * claim the scan of the whole queue. The job table stays the truth: a hinted job is claimed
 * only if its row is still QUEUED, and claims also scan the table at least once a second.
 */
final class QueuedHints {
    private final Jdbi jdbi;
    private final JobStore jobs;
    private final ConcurrentSkipListMap<String, String> targetOf = new ConcurrentSkipListMap<>();
    private final AtomicLong lastScan = new AtomicLong(System.nanoTime());

    QueuedHints(Jdbi jdbi, JobStore jobs) {
        this.jdbi = jdbi;
        this.jobs = jobs;
    }

    void queued(String jobId, String target) {
        targetOf.put(jobId, target);
    }

    void claimed(List<String> jobIds) {
        for (String id : jobIds) targetOf.remove(id);
    }

    /** Up to {@code max} hinted jobs on these targets, oldest first. */
    List<String> on(Set<String> targets, int max) {
        List<String> out = new ArrayList<>(max);
        for (var e : targetOf.entrySet()) {
            if (targets.contains(e.getValue())) {
                out.add(e.getKey());
                if (out.size() >= max) break;
            }
        }
        return out;
    }

    /** Whether a claim should scan the queue itself: no hint fits, or nobody scanned for a second (one claim takes the turn). */
    boolean scanDue(boolean noHints) {
        long scanAt = System.nanoTime();
        long last = lastScan.get();
        return noHints || (scanAt - last > TimeUnit.MILLISECONDS.toNanos(Wakeup.FALLBACK_POLL_MS) && lastScan.compareAndSet(last, scanAt));
    }

    /** Hints of candidates no longer queued (claimed elsewhere, cancelled) are dropped, in the claim's transaction. */
    void dropGone(Handle h, List<String> candidates) {
        Set<String> stillQueued = jobs.stillQueued(h, candidates);
        for (String id : candidates) if (!stillQueued.contains(id)) targetOf.remove(id);
    }

    /** Hints of jobs no longer queued (cancelled, or out of every agent's scope now) go; the oldest 500 are checked. */
    void dropStale() {
        if (targetOf.isEmpty()) return;
        List<String> oldest = targetOf.keySet().stream().limit(500).toList();
        Set<String> queued = jdbi.withHandle(h -> jobs.stillQueued(h, oldest));
        for (String id : oldest) if (!queued.contains(id)) targetOf.remove(id);
    }
}
