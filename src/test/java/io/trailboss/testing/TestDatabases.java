package io.trailboss.testing;

import io.trailboss.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Real databases for tests: a fresh embedded H2 file database, or a fresh schema on the
 * PostgreSQL server at 127.0.0.1:5432 (database {@code test}, trust auth). Without a reachable
 * PostgreSQL, tests are skipped with a message, except under CI where that is a failure.
 */
public final class TestDatabases {
    public static final String PG_BASE = System.getProperty("trailboss.test.pg", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private TestDatabases() {}

    public static Database h2() {
        try {
            Path dir = Files.createTempDirectory("trailboss-h2-");
            return Database.embedded(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String freshPostgresUrl() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(PG_BASE)) {
            c.createStatement().execute("create schema " + schema);
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("PostgreSQL at " + PG_BASE + " is required in CI but unreachable: " + e.getMessage(), e);
            }
            Assumptions.abort("PostgreSQL not reachable at " + PG_BASE + " (" + e.getMessage() + "); skipping");
        }
        return PG_BASE + "&currentSchema=" + schema;
    }

    public static Database postgres() {
        return Database.connect(freshPostgresUrl(), null, null);
    }

    public static Database of(String kind) {
        return switch (kind) {
            case "h2" -> h2();
            case "postgres" -> postgres();
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
