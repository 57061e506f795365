package io.trailboss.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine reads a row, takes an execution's lock, and reads the row again: the second read must
 * see what the transaction that held the lock committed. With its default settings embedded H2
 * answers the repeated query from its result cache (its change counter moves on another
 * transaction's write, not on its commit) and hands back the row as it was before; the embedded
 * database's URL turns that off.
 */
class H2CommittedReadsTest {
    @Test
    void a_query_repeated_after_waiting_for_a_lock_sees_what_the_lock_holder_committed() throws Exception {
        String url = Database.embeddedUrl(Files.createTempDirectory("trailboss-h2-reads-"));
        try (Connection holder = DriverManager.getConnection(url, "sa", ""); Connection reader = DriverManager.getConnection(url, "sa", "")) {
            reader.createStatement().execute("""
                    create table probe_lock (id int primary key);
                    create table probe_row (id varchar(10) primary key, state varchar(20));
                    insert into probe_lock values (1);
                    insert into probe_row values ('x', 'RUNNING')""");
            holder.setAutoCommit(false);
            reader.setAutoCommit(false);
            holder.prepareStatement("select id from probe_lock where id = 1 for update").executeQuery().next();
            holder.prepareStatement("update probe_row set state = 'CANCELLED' where id = 'x'").executeUpdate();

            String before = state(reader); // the committed row: RUNNING
            CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(300);
                    holder.commit();
                } catch (InterruptedException | SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            reader.prepareStatement("select id from probe_lock where id = 1 for update").executeQuery().next(); // waits for the commit
            String after = state(reader);
            commit.get(10, TimeUnit.SECONDS);
            assertThat(before).isEqualTo("RUNNING");
            assertThat(after).as("the committed state, not a cached answer").isEqualTo("CANCELLED");
        }
    }

    /** The same statement text each time, as a store's query: H2 keeps it parsed per connection. */
    private static String state(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select state from probe_row where id = ?")) {
            ps.setString(1, "x");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
