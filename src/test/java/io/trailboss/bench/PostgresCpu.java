package io.trailboss.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU that a local PostgreSQL spends for the bench: its backends serving connections that carry
 * the bench's application name, plus its WAL writer, background writer and checkpointer (shared
 * with anyone else using the server; idle otherwise), read from {@code /proc/PID/stat}. Only
 * meaningful when PostgreSQL runs on this machine.
 */
final class PostgresCpu {
    /** Linux reports utime and stime in USER_HZ ticks, 100 per second on every architecture's ABI. */
    private static final double TICKS_PER_SECOND = 100;
    private static final String PROCESSES = """
            select pid from pg_stat_activity
            where application_name = ? or backend_type in ('walwriter', 'background writer', 'checkpointer')
            """;

    private final String url;
    private final String applicationName;

    /** {@code url}: a JDBC URL of the server (its own application name is replaced); {@code applicationName}: the bench's connections'. */
    PostgresCpu(String url, String applicationName) {
        this.url = url;
        this.applicationName = applicationName;
    }

    /** The JDBC URL with the application name the bench's connections must carry to be counted. */
    static String withApplicationName(String url, String applicationName) {
        return url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + applicationName;
    }

    /** CPU seconds (user and system) so far of the processes counted; NaN when PostgreSQL's processes cannot be read. */
    double seconds() {
        List<Long> pids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); var st = c.prepareStatement(PROCESSES)) {
            st.setString(1, applicationName);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) pids.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            return Double.NaN;
        }
        long ticks = 0;
        boolean any = false;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                // fields after the command name (which may hold spaces) in parentheses; utime and stime are the 14th and 15th
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                any = true;
            } catch (IOException | RuntimeException e) {
                // the backend ended in between, or PostgreSQL runs elsewhere
            }
        }
        return any ? ticks / TICKS_PER_SECOND : Double.NaN;
    }

    /** Whether the given statement's server runs on this machine (its backend's process is visible here). */
    static boolean local(String url) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return Files.exists(Path.of("/proc", String.valueOf(rs.getLong(1)), "stat"));
        } catch (SQLException e) {
            return false;
        }
    }
}
