package io.trailboss.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleConsumer;
import org.jdbi.v3.core.Jdbi;

/**
 * Runs a transaction again when the database gave it up for a reason that passes (a deadlock, a
 * serialization failure, a lock wait that timed out), after a short jittered pause, a bounded number of
 * times; any other error ends it at once. Every retried transaction of Trailboss goes through here, so
 * that they all agree on what "try again" means. A transaction run here may run more than once: its
 * work must not have effects outside the database before it commits.
 */
public final class TransactionRunner {
    /**
     * 40001 serialization failure (PostgreSQL) and deadlock (H2), 40P01 deadlock and 55P03 lock not
     * available (PostgreSQL), HYT00 lock timeout (H2).
     */
    private static final Set<String> PASSING_STATES = Set.of("40001", "40P01", "55P03", "HYT00");
    /** H2's error code for a lock timeout, whatever state a driver version reports with it. */
    private static final int H2_LOCK_TIMEOUT = 50200;

    public static final int DEFAULT_ATTEMPTS = 5;
    public static final Duration DEFAULT_FIRST_PAUSE = Duration.ofMillis(5);

    private final Jdbi jdbi;
    private final int attempts;
    private final long firstPauseMillis;
    private final Predicate<Throwable> retryable;

    /** Up to 5 attempts, pauses of about 5, 10, 20, 40 ms, on {@link #passes passing} errors only. */
    public TransactionRunner(Jdbi jdbi) {
        this(jdbi, DEFAULT_ATTEMPTS, DEFAULT_FIRST_PAUSE.toMillis(), TransactionRunner::passes);
    }

    private TransactionRunner(Jdbi jdbi, int attempts, long firstPauseMillis, Predicate<Throwable> retryable) {
        if (attempts < 1) throw new IllegalArgumentException("at least one attempt, not " + attempts);
        if (firstPauseMillis < 0) throw new IllegalArgumentException("a pause cannot be negative");
        this.jdbi = jdbi;
        this.attempts = attempts;
        this.firstPauseMillis = firstPauseMillis;
        this.retryable = retryable;
    }

    /** The same runner with at most {@code attempts} runs of a transaction. */
    public TransactionRunner attempts(int attempts) {
        return new TransactionRunner(jdbi, attempts, firstPauseMillis, retryable);
    }

    /** The same runner pausing about {@code pause} before the second run, doubling before each later one. */
    public TransactionRunner firstPause(Duration pause) {
        return new TransactionRunner(jdbi, attempts, pause.toMillis(), retryable);
    }

    /** The same runner trying again on every error, not only passing ones (for work whose failure costs more than a wasted retry). */
    public TransactionRunner onEveryError() {
        return new TransactionRunner(jdbi, attempts, firstPauseMillis, e -> true);
    }

    public int maxAttempts() {
        return attempts;
    }

    /** True when {@code e} (or one of its causes) says the database gave the transaction up for a reason that passes. */
    public static boolean passes(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                if (sql.getErrorCode() == H2_LOCK_TIMEOUT) return true;
                if (sql.getSQLState() != null && PASSING_STATES.contains(sql.getSQLState())) return true;
            }
            if (t.getCause() == t) break;
        }
        return false;
    }

    public <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
        return retrying(() -> jdbi.inTransaction(work));
    }

    public void useTransaction(HandleConsumer<RuntimeException> work) {
        retrying(() -> {
            jdbi.useTransaction(work);
            return null;
        });
    }

    /** One statement (or several) in auto-commit, each its own transaction: for work that may simply run again. */
    public <T> T withHandle(HandleCallback<T, RuntimeException> work) {
        return retrying(() -> jdbi.withHandle(work));
    }

    /**
     * Runs {@code attempt}, which opens, does and commits a whole transaction (and undoes its own
     * in-memory effects when it fails), again while it fails retryably and attempts are left. The last
     * failure is thrown; an interrupt during a pause ends the retries with the failure that preceded it.
     */
    public <T> T retrying(Supplier<T> attempt) {
        for (int run = 1; ; run++) {
            try {
                return attempt.get();
            } catch (RuntimeException e) {
                if (run >= attempts || !retryable.test(e)) throw e;
                try {
                    Thread.sleep(pause(run));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * The pause before run {@code run + 1}: the first pause doubled per run so far, spread over half to
     * one and a half times that, so that transactions that collided do not collide again in step.
     */
    long pause(int run) {
        long base = firstPauseMillis << Math.min(run - 1, 16);
        if (base == 0) return 0;
        return base / 2 + ThreadLocalRandom.current().nextLong(base + 1);
    }
}
