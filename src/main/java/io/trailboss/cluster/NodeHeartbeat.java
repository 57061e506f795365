package io.trailboss.cluster;

import io.trailboss.store.Database;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The heartbeat's database work, on a connection of its own on PostgreSQL, so that it never waits
 * for the pool behind the engine's work (a busy node must not look dead). Used by the heartbeat
 * thread only.
 */
final class NodeHeartbeat implements AutoCloseable {
    private final Database database;
    private final Jdbi jdbi;
    private Handle handle;

    NodeHeartbeat(Database database) {
        this.database = database;
        this.jdbi = database.jdbi();
    }

    <T> T run(HandleCallback<T, RuntimeException> work) {
        if (database.dialect() != Database.Dialect.POSTGRES) return jdbi.withHandle(work);
        try {
            if (handle == null) handle = Jdbi.open(database.dedicatedConnection());
            return work.withHandle(handle);
        } catch (SQLException | RuntimeException e) {
            if (handle != null) {
                try {
                    handle.close();
                } catch (RuntimeException ignored) {
                    // reopened next time
                }
                handle = null;
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (handle != null) {
            try {
                handle.close();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
    }
}
