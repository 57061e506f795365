package io.trailboss.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Limits on failed password checks (form and JSON logins, HTTP Basic), per node, in memory. Nobody can
 * lock a user out by failing for them: the limits hold per address and per (user, address), and a user
 * under attack only slows down the addresses that fail for them.
 *
 * <ul>
 *   <li>per (user, address): {@value #PAIR_FAILURES} failures a minute (a token bucket: then one more
 *       every 12 s);</li>
 *   <li>per address: {@value #ADDRESS_FAILURES} failures a minute, whatever the usernames (guessing across
 *       many users);</li>
 *   <li>per user: beyond {@value #USER_FAILURES} failures a minute from all addresses together the user is
 *       under attack, and for as long as that lasts each address that has failed for them may try once a
 *       minute; an address that has not failed for them (the user's own) logs in as usual.</li>
 * </ul>
 *
 * IPv6 addresses count by their /64 network, which one machine usually holds whole. A success clears the
 * (user, address) count.
 */
final class LoginLimits {
    static final int PAIR_FAILURES = 5;
    static final int ADDRESS_FAILURES = 30;
    static final int USER_FAILURES = 20;
    static final Duration WINDOW = Duration.ofMinutes(1);

    private final RateLimiter pairs;
    private final RateLimiter addresses;
    private final RateLimiter users;

    LoginLimits(Clock clock) {
        this(clock, RateLimiter.MAX_KEYS);
    }

    LoginLimits(Clock clock, int maxKeys) {
        this.pairs = new RateLimiter(PAIR_FAILURES, WINDOW, clock, maxKeys);
        this.addresses = new RateLimiter(ADDRESS_FAILURES, WINDOW, clock, maxKeys);
        this.users = new RateLimiter(USER_FAILURES, WINDOW, clock, maxKeys);
    }

    /** How long this user must wait before trying from this address; empty if they may try now. */
    Optional<Duration> check(String user, String address) {
        String addr = network(address);
        String pair = pair(user, addr);
        Optional<Duration> wait = addresses.blocked(addr).or(() -> pairs.blocked(pair));
        if (wait.isPresent()) return wait;
        if (users.blocked(user).isEmpty()) return Optional.empty();
        // under attack: an address that failed for this user within the minute waits for the rest of it
        return pairs.sinceLast(pair).filter(since -> since.compareTo(WINDOW) < 0).map(since -> max1s(WINDOW.minus(since)));
    }

    void failed(String user, String address) {
        String addr = network(address);
        pairs.record(pair(user, addr));
        addresses.record(addr);
        users.record(user);
    }

    void succeeded(String user, String address) {
        pairs.reset(pair(user, network(address)));
    }

    private static String pair(String user, String addr) {
        return user + "\u0000" + addr;
    }

    private static Duration max1s(Duration d) {
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
    }

    /** An IPv4 address as it is, an IPv6 address as its /64 network (a literal is parsed, never looked up). */
    static String network(String address) {
        if (address == null || address.indexOf(':') < 0) return String.valueOf(address);
        try {
            String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
            int zone = literal.indexOf('%');
            if (zone >= 0) literal = literal.substring(0, zone);
            if (!literal.matches("[0-9a-fA-F:.]+")) return address;
            InetAddress a = InetAddress.getByName(literal);
            if (!(a instanceof Inet6Address)) return a.getHostAddress();
            byte[] b = a.getAddress();
            return HexFormat.of().formatHex(b, 0, 8) + "::/64";
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return address;
        }
    }
}
