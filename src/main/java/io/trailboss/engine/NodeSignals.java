package io.trailboss.engine;

import io.trailboss.model.Job;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * What this node tells the other nodes sharing its database (PostgreSQL LISTEN/NOTIFY; nothing on
 * a database only one process uses). Every call is a hint: each node also looks at the tables on
 * its own (polling), so a lost signal only delays.
 */
public interface NodeSignals {
    NodeSignals NONE = new NodeSignals() {};

    /** Inside an engine transaction: executions and tasks it changed, controls it applied (execution, action, tasks). */
    default void changed(Handle h, List<String> executionIds, List<String> taskIds, List<List<String>> controls) {}

    /** Inside the transaction that stored a log chunk. */
    default void logChunk(Handle h, String executionId, String jobId, int seq) {}

    /** A job's log ended (its process is over). */
    default void logEnded(String jobId) {}

    /** A job was stopped (cancel, interrupt): the node running it must stop its process. */
    default void interrupt(Job job, long graceMillis) {}

    /** A timer due at {@code dueAt} was committed (0: timers are due again, look now). */
    default void timerArmed(long dueAt) {}

    /** Jobs were queued for agents: waiting claims on every node look again. */
    default void jobsQueued() {}

    /** Text for a job's standard input was stored for the node running it. */
    default void inputStored(String runner) {}
}
