package io.trailboss.engine;

import java.sql.SQLException;

/** Which database errors mean "try the transaction again": deadlocks, lock timeouts, serialization. */
final class Transactions {
    private Transactions() {}

    static boolean isRetryable(Throwable e) {
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
}
