package io.trailboss.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} events per key within a sliding {@code window}, counted in memory on this node
 * (each node of a cluster counts for itself, so a cluster of N nodes allows up to N times as many).
 * Keys whose events are all older than the window are dropped as they are met, and the whole map is
 * cleared if it grows past a bound, so a flood of distinct keys cannot exhaust memory.
 */
public final class RateLimiter {
    private static final int MAX_KEYS = 100_000;
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Long>> events = new ConcurrentHashMap<>();

    public RateLimiter(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** How long until the key may act again; empty if it may act now. */
    public Optional<Duration> blocked(String key) {
        Deque<Long> d = events.get(key);
        if (d == null) return Optional.empty();
        long now = clock.millis();
        synchronized (d) {
            while (!d.isEmpty() && d.peekFirst() <= now - window.toMillis()) d.pollFirst();
            if (d.size() < limit) return Optional.empty();
            return Optional.of(Duration.ofMillis(Math.max(1000, d.peekFirst() + window.toMillis() - now)));
        }
    }

    /** Counts an event of the key. */
    public void record(String key) {
        if (events.size() > MAX_KEYS) events.clear();
        long now = clock.millis();
        Deque<Long> d = events.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (d) {
            while (!d.isEmpty() && d.peekFirst() <= now - window.toMillis()) d.pollFirst();
            d.addLast(now);
            while (d.size() > limit) d.pollFirst();
        }
    }

    /** Counts an event unless the key is blocked; returns how long it must wait if it is. */
    public Optional<Duration> tryAcquire(String key) {
        Optional<Duration> wait = blocked(key);
        if (wait.isEmpty()) record(key);
        return wait;
    }

    public void reset(String key) {
        events.remove(key);
    }
}
