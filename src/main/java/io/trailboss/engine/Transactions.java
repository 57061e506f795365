package io.trailboss.engine;

import java.sql.SQLException;
import java.util.function.Supplier;

/** Which database errors mean "try the transaction again": deadlocks, lock timeouts, serialization. */
public final class Transactions {
    private static final int ATTEMPTS = 5;

    private Transactions() {}

    public static boolean isRetryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state == null) continue;
                // 40001 serialization failure, 40P01 deadlock (PostgreSQL); H2 uses 40001 and HYT00 (lock timeout)
                if (state.equals("40001") || state.equals("40P01") || state.equals("HYT00") || state.equals("55P03")) return true;
            }
        }
        return false;
    }

    /**
     * Runs a whole transaction ({@code transaction} opens, does and commits it), again after a short
     * pause when the database gave it up for a retryable reason, up to 5 times; other errors at once.
     */
    public static <T> T retrying(Supplier<T> transaction) {
        for (int attempt = 0; ; attempt++) {
            try {
                return transaction.get();
            } catch (RuntimeException e) {
                if (!isRetryable(e) || attempt + 1 >= ATTEMPTS) throw e;
                try {
                    Thread.sleep(5L << attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
