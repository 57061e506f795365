package io.trailboss.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * At most {@code limit} events per key within {@code window}, as a token bucket per key: a key holds
 * {@code limit} tokens, each event takes one, and tokens come back at {@code limit} per window. Counted in
 * memory on this node (each node of a cluster counts for itself, so a cluster of N nodes allows up to N times
 * as many).
 *
 * <p>Memory is bounded ({@code maxKeys}) without ever forgetting everything: when a new key finds the limiter
 * full, the key whose last event is oldest among those that do not hold anybody back goes first; a key that
 * holds somebody back goes only when there is no other, the oldest first. So a flood of new keys (other
 * addresses, other names) pushes out other flood keys, never a lockout it wants lifted.
 */
public final class RateLimiter {
    public static final int MAX_KEYS = 100_000;
    private final int limit;
    private final long windowMillis;
    private final Clock clock;
    private final int maxKeys;
    // oldest last event first (a key is put back at the end by each event); guarded by this
    private final LinkedHashMap<String, Bucket> open = new LinkedHashMap<>();
    private final LinkedHashMap<String, Bucket> holding = new LinkedHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;
    }

    public RateLimiter(int limit, Duration window, Clock clock) {
        this(limit, window, clock, MAX_KEYS);
    }

    public RateLimiter(int limit, Duration window, Clock clock, int maxKeys) {
        if (limit < 1 || window.toMillis() < 1 || maxKeys < 1) throw new IllegalArgumentException("a rate limit needs a limit, a window and room for keys");
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    public int limit() {
        return limit;
    }

    public Duration window() {
        return Duration.ofMillis(windowMillis);
    }

    private double level(Bucket b, long now) {
        return Math.min(limit, b.tokens + Math.max(0, now - b.at) * (double) limit / windowMillis);
    }

    private Bucket find(String key) {
        Bucket b = holding.get(key);
        return b != null ? b : open.get(key);
    }

    /** How long until the key may act again; empty if it may act now. */
    public synchronized Optional<Duration> blocked(String key) {
        Bucket b = find(key);
        if (b == null) return Optional.empty();
        double level = level(b, clock.millis());
        if (level >= 1) return Optional.empty();
        long wait = (long) Math.ceil((1 - level) * windowMillis / limit);
        return Optional.of(Duration.ofMillis(Math.max(1000, wait)));
    }

    /** How long ago the key's last event was; empty if it has none this limiter remembers. */
    public synchronized Optional<Duration> sinceLast(String key) {
        Bucket b = find(key);
        return b == null ? Optional.empty() : Optional.of(Duration.ofMillis(Math.max(0, clock.millis() - b.at)));
    }

    /** Counts an event of the key. */
    public synchronized void record(String key) {
        long now = clock.millis();
        Bucket b = holding.remove(key);
        if (b == null) b = open.remove(key);
        if (b == null) {
            makeRoom();
            b = new Bucket();
            b.tokens = limit;
            b.at = now;
        }
        b.tokens = Math.max(0, level(b, now) - 1);
        b.at = now;
        (b.tokens < 1 ? holding : open).put(key, b);
    }

    /** Counts an event unless the key is blocked; returns how long it must wait if it is. */
    public synchronized Optional<Duration> tryAcquire(String key) {
        Optional<Duration> wait = blocked(key);
        if (wait.isEmpty()) record(key);
        return wait;
    }

    public synchronized void reset(String key) {
        holding.remove(key);
        open.remove(key);
    }

    /** How many keys are remembered. */
    public synchronized int size() {
        return open.size() + holding.size();
    }

    private void makeRoom() {
        while (open.size() + holding.size() >= maxKeys) {
            Iterator<Map.Entry<String, Bucket>> oldest = (open.isEmpty() ? holding : open).entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }
}
