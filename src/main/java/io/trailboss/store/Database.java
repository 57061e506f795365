package io.trailboss.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The one database: an embedded H2 file (PostgreSQL mode) by default, or PostgreSQL. Both get
 * the same Flyway migrations and the same SQL.
 */
public final class Database implements AutoCloseable {
    public enum Dialect { H2, POSTGRES }

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String url;
    private final String schemaVersion;
    private final String user;
    private final String password;

    private Database(String url, String user, String password, int poolSize) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.dialect = url.startsWith("jdbc:postgresql:") ? Dialect.POSTGRES : Dialect.H2;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) config.setUsername(user);
        if (password != null) config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("trailboss");
        config.setAutoCommit(true);
        this.dataSource = new HikariDataSource(config);
        // db/migration: every database; db/vendor/h2 or db/vendor/postgresql: tuning only one of them needs (same version numbers)
        String vendor = "classpath:db/vendor/" + (dialect == Dialect.POSTGRES ? "postgresql" : "h2");
        Flyway flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration", vendor).load();
        flyway.migrate();
        this.schemaVersion = flyway.info().current().getVersion().getVersion();
        this.jdbi = Jdbi.create(dataSource);
    }

    /** An embedded H2 file database under {@code dir}, created on first use. */
    public static Database embedded(Path dir) {
        return new Database(embeddedUrl(dir), "sa", "", 16);
    }

    static String embeddedUrl(Path dir) {
        // WRITE_DELAY=0: a commit reaches the file before it is acknowledged, so kill -9 loses nothing.
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("trailboss") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;LOCK_TIMEOUT=10000"
                // the engine's ~20 statements stay parsed per connection (the default cache holds 8)
                + ";QUERY_CACHE_SIZE=128"
                // H2 would answer a cached query run again in one transaction with its earlier result when the
                // table's modification counter has not moved, but the counter moves when another transaction
                // writes, not when it commits: a row read before taking the execution lock and again after it
                // would come back stale. Off, every read sees what was committed.
                + ";OPTIMIZE_REUSE_RESULTS=FALSE";
    }

    /** Any JDBC URL: {@code jdbc:postgresql://host:5432/db?user=..} or an H2 URL. */
    public static Database connect(String url, String user, String password) {
        return connect(url, user, password, 16);
    }

    /** With a pool of {@code poolSize} connections (each server node of a shared database holds its own pool). */
    public static Database connect(String url, String user, String password, int poolSize) {
        if (poolSize < 2) throw new IllegalArgumentException("a pool needs at least 2 connections, not " + poolSize);
        return new Database(url, user, password, poolSize);
    }

    /**
     * A connection of its own, outside the pool (for a connection that stays open, such as one
     * that listens for notifications); the caller closes it.
     */
    public java.sql.Connection dedicatedConnection() throws java.sql.SQLException {
        java.util.Properties props = new java.util.Properties();
        if (user != null) props.setProperty("user", user);
        if (password != null) props.setProperty("password", password);
        return java.sql.DriverManager.getConnection(url, props);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Dialect dialect() {
        return dialect;
    }

    public String url() {
        return url;
    }

    /** The schema version this process migrated to at start (the newest migration it ships). */
    public String schemaVersion() {
        return schemaVersion;
    }

    /**
     * Asks the database for the newest successfully applied migration, on a fresh connection from the
     * pool; throws if it cannot (closed pool, unreachable server, no connection within the pool's timeout).
     */
    public String appliedSchemaVersion() {
        return jdbi.withHandle(h -> h.createQuery("""
                select version from flyway_schema_history
                where success = true and version is not null
                order by installed_rank desc limit 1""").mapTo(String.class).findOne().orElse(null));
    }

    /** Reports the pool's connections, waits and timings to {@code registry} (HikariCP's own meters). */
    public void bindMetrics(MeterRegistry registry) {
        dataSource.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
