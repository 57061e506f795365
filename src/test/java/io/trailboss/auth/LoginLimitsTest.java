package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Failed logins are limited per address and per (user, address); a user under attack slows the attackers, not themselves. */
class LoginLimitsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final LoginLimits limits = new LoginLimits(clock);

    @Test
    void failures_for_a_user_from_other_addresses_never_keep_them_out_of_their_own() {
        for (int a = 1; a <= 100; a++) {
            for (int i = 0; i < LoginLimits.PAIR_FAILURES; i++) limits.failed("ada", "203.0.113." + a);
            assertThat(limits.check("ada", "203.0.113." + a)).as("address %d", a).isPresent();
        }
        assertThat(limits.check("ada", "198.51.100.7")).isEmpty();
        assertThat(limits.check("bob", "203.0.113.1")).isEmpty();
    }

    @Test
    void a_user_under_attack_slows_each_failing_address_to_one_try_a_minute() {
        for (int a = 1; a < LoginLimits.USER_FAILURES; a++) {
            assertThat(limits.check("ada", "203.0.113." + a)).isEmpty();
            limits.failed("ada", "203.0.113." + a);
        }
        // one failure each: not yet under attack, each may go on
        assertThat(limits.check("ada", "203.0.113.1")).isEmpty();
        limits.failed("ada", "203.0.113.20");
        assertThat(limits.check("ada", "203.0.113.1")).hasValue(Duration.ofMinutes(1));
        // a new attacking address gets its one try, then waits the minute
        assertThat(limits.check("ada", "203.0.113.99")).isEmpty();
        limits.failed("ada", "203.0.113.99");
        assertThat(limits.check("ada", "203.0.113.99")).hasValue(Duration.ofMinutes(1));
        // the user's own address never failed: it logs in as usual
        assertThat(limits.check("ada", "198.51.100.7")).isEmpty();
        clock.advance(Duration.ofSeconds(61));
        assertThat(limits.check("ada", "203.0.113.1")).isEmpty();
    }

    @Test
    void an_address_guessing_across_many_users_is_limited() {
        for (int u = 0; u < LoginLimits.ADDRESS_FAILURES; u++) limits.failed("user" + u, "203.0.113.5");
        assertThat(limits.check("someone-else", "203.0.113.5")).isPresent();
        assertThat(limits.check("someone-else", "203.0.113.6")).isEmpty();
    }

    @Test
    void a_success_clears_the_count_of_its_user_and_address() {
        for (int i = 0; i < LoginLimits.PAIR_FAILURES - 1; i++) limits.failed("ada", "203.0.113.5");
        limits.succeeded("ada", "203.0.113.5");
        for (int i = 0; i < LoginLimits.PAIR_FAILURES - 1; i++) limits.failed("ada", "203.0.113.5");
        assertThat(limits.check("ada", "203.0.113.5")).isEmpty();
    }

    @Test
    void an_ipv6_address_counts_by_its_64_network() {
        assertThat(LoginLimits.network("2001:db8:1:2:aaaa::1")).isEqualTo(LoginLimits.network("[2001:db8:1:2:bbbb::9]"));
        assertThat(LoginLimits.network("2001:db8:1:2::1")).isNotEqualTo(LoginLimits.network("2001:db8:1:3::1"));
        assertThat(LoginLimits.network("192.0.2.1")).isEqualTo("192.0.2.1");
        for (int i = 1; i <= LoginLimits.PAIR_FAILURES; i++) limits.failed("ada", "2001:db8:1:2::" + i);
        assertThat(limits.check("ada", "2001:db8:1:2::ffff")).isPresent();
    }
}
