package io.trailboss.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema for one bench run, dropped with everything in it when closed: the
 * benches measure a Trailboss that starts empty, beside whatever else the server holds.
 */
final class ScratchSchema implements AutoCloseable {
    private final String serverUrl;
    private final String name;

    private ScratchSchema(String serverUrl, String name) {
        this.serverUrl = serverUrl;
        this.name = name;
    }

    /** Creates {@code prefix} plus a random suffix on the server at {@code serverUrl}. */
    static ScratchSchema create(String serverUrl, String prefix) throws SQLException {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(serverUrl)) {
            c.createStatement().execute("create schema " + name);
        }
        return new ScratchSchema(serverUrl, name);
    }

    String name() {
        return name;
    }

    /** The server's URL with this schema as the current one. */
    String url() {
        return serverUrl + (serverUrl.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** Drops the schema; throws if it could not (the callers say so and go on). */
    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(serverUrl)) {
            c.createStatement().execute("drop schema if exists " + name + " cascade");
        }
    }
}
