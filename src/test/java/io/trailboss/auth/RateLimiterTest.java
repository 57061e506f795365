package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A token bucket per key, with memory bounded by evicting the oldest keys, never all of them. */
class RateLimiterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

    @Test
    void a_flood_of_new_keys_never_lifts_a_lockout() {
        RateLimiter limiter = new RateLimiter(5, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 5; i++) limiter.record("ada@10.0.0.9");
        assertThat(limiter.blocked("ada@10.0.0.9")).isPresent();
        clock.advance(Duration.ofSeconds(1));
        // more distinct keys than the limiter keeps, within the minute (other addresses, other names)
        for (int i = 0; i < 150_000; i++) limiter.record("ada@127." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
        assertThat(limiter.blocked("ada@10.0.0.9")).as("the lockout is still there").isPresent();
        assertThat(limiter.size()).isLessThanOrEqualTo(RateLimiter.MAX_KEYS);
    }

    @Test
    void memory_stays_bounded_and_the_oldest_keys_go_first() {
        RateLimiter limiter = new RateLimiter(5, Duration.ofMinutes(1), clock, 100);
        for (int i = 0; i < 200; i++) {
            limiter.record("k" + i);
            clock.advance(Duration.ofMillis(10));
        }
        assertThat(limiter.size()).isEqualTo(100);
        for (int i = 0; i < 100; i++) assertThat(limiter.sinceLast("k" + i)).as("k%d", i).isEmpty();
        for (int i = 100; i < 200; i++) assertThat(limiter.sinceLast("k" + i)).as("k%d", i).isPresent();
    }

    @Test
    void tokens_come_back_at_the_limit_per_window() {
        RateLimiter limiter = new RateLimiter(5, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 5; i++) assertThat(limiter.tryAcquire("k")).isEmpty();
        assertThat(limiter.tryAcquire("k")).hasValue(Duration.ofSeconds(12));
        clock.advance(Duration.ofSeconds(12));
        assertThat(limiter.tryAcquire("k")).isEmpty();
        assertThat(limiter.tryAcquire("k")).isPresent();
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) assertThat(limiter.tryAcquire("k")).isEmpty();
        assertThat(limiter.blocked("other")).isEmpty();
    }
}
