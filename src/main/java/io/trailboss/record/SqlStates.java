package io.trailboss.record;

import java.sql.SQLException;
import org.jdbi.v3.core.statement.StatementException;

/** The SQL state behind a failed statement, as both databases report a broken constraint. */
final class SqlStates {
    static final String UNIQUE_VIOLATION = "23505";

    private SqlStates() {}

    static String of(StatementException e) {
        Throwable t = e.getCause();
        while (t != null) {
            if (t instanceof SQLException s && s.getSQLState() != null) return s.getSQLState();
            t = t.getCause();
        }
        return null;
    }

    static boolean isUniqueViolation(StatementException e) {
        return UNIQUE_VIOLATION.equals(of(e));
    }
}
