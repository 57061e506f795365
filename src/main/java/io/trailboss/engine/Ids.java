package io.trailboss.engine;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Ids for executions, task executions, jobs and timers: version 7 UUIDs (RFC 9562), a millisecond
 * timestamp followed by 74 random bits. They sort by creation time, so new rows land at the end of
 * every index on an id column instead of at a random page: an embedded H2 commit then rewrites one
 * or two index pages instead of one per inserted row, and PostgreSQL's b-trees stay compact.
 */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    private static long lastMillis;
    private static long lastCounter;

    /**
     * Within one millisecond the 12 bits after the timestamp count up from a random start (RFC 9562's
     * monotonic counter), so ids made one after the other in a process sort in that order: rows ordered
     * by (time, id), such as the control log, keep the order things happened in.
     */
    public static String next() {
        long millis;
        long randA;
        long randB;
        synchronized (RANDOM) {
            millis = Math.max(System.currentTimeMillis(), lastMillis);
            if (millis == lastMillis && lastCounter < (1 << 12) - 1) {
                randA = ++lastCounter;
            } else {
                if (millis == lastMillis) millis++; // the counter ran out: borrow the next millisecond
                randA = RANDOM.nextInt(1 << 11); // leaves room to count
            }
            lastMillis = millis;
            lastCounter = randA;
            randB = RANDOM.nextLong();
        }
        long msb = (millis << 16) | 0x7000L | randA;
        long lsb = (randB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
