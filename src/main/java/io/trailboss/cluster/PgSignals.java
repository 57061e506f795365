package io.trailboss.cluster;

import io.trailboss.agent.AgentHub;
import io.trailboss.engine.Engine;
import io.trailboss.engine.LocalRunner;
import io.trailboss.engine.NodeSignals;
import io.trailboss.model.Job;
import io.trailboss.store.Database;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wake-ups between the nodes of one PostgreSQL database: LISTEN/NOTIFY on one channel per schema
 * ({@code trailboss_<schema>}), one dedicated listening connection per node (reconnected after a
 * failure; everything is then looked at again). A payload is {@code kind|sender node|data}, always
 * far below PostgreSQL's 8000-byte limit: ids, never documents; the receiver reads the state.
 *
 * <table>
 * <tr><td>{@code changed}</td><td>{"e": [execution ids], "t": [task ids], "c": [[execution, control, tasks]]}, sent in the
 * engine transaction (delivered at commit, in commit order); nodes with event followers read the rows and publish them</td></tr>
 * <tr><td>{@code log}</td><td>execution|job|seq, sent in the chunk's transaction; nodes whose followers watch the job read the chunk</td></tr>
 * <tr><td>{@code logend}</td><td>job: its process ended</td></tr>
 * <tr><td>{@code stop}</td><td>job|grace ms: the node running the job stops its process</td></tr>
 * <tr><td>{@code timer}</td><td>due ms: a timer was armed (0: look now)</td></tr>
 * <tr><td>{@code jobs}</td><td>jobs were queued for agents: waiting claims look again</td></tr>
 * <tr><td>{@code input}</td><td>runner: stdin text waits in {@code agent_input} for that node's job</td></tr>
 * </table>
 * Every signal is a hint: nodes also poll (claims and timers each second, stops and stdin of local
 * jobs each second), so a lost notification only delays.
 */
public final class PgSignals implements NodeSignals, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgSignals.class);

    private final Database database;
    private final Jdbi jdbi;
    private final LocalRunner local;
    private final SignalReceiver receiver;
    private final String self;
    private final String channel;
    // sends outside a transaction, and handles what arrives, one at a time in arrival order
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("node-signal-send").unstarted(r));
    private final ExecutorService handler = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("node-signal-handle").unstarted(r));
    private volatile boolean closed;
    private volatile Connection listening;
    private Thread listener;

    public PgSignals(Database database, Engine engine, LocalRunner local, AgentHub agents) {
        this.database = database;
        this.jdbi = database.jdbi();
        this.local = local;
        this.receiver = new SignalReceiver(jdbi, engine, local, agents);
        this.self = engine.nodeId();
        String schema = jdbi.withHandle(h -> h.createQuery("select current_schema()").mapTo(String.class).one());
        this.channel = channelFor(schema);
    }

    /** The channel of a schema: notifications reach every schema of a database, so each schema has its own. */
    static String channelFor(String schema) {
        String name = "trailboss_" + (schema == null ? "public" : schema.toLowerCase().replaceAll("[^a-z0-9_]", "_"));
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    public String channel() {
        return channel;
    }

    public PgSignals start() {
        listener = Thread.ofPlatform().daemon().name("node-signal-listen").start(this::listen);
        return this;
    }

    // ------------------------------------------------------------------ sending

    @Override
    public void changed(Handle h, List<String> executionIds, List<String> taskIds, List<List<String>> controls) {
        // several notifications when one transaction changed many executions (a batch): each stays small
        for (String payload : ChangedPayloads.of(executionIds, taskIds, controls)) notifyIn(h, "changed", payload);
    }

    @Override
    public void logChunk(Handle h, String executionId, String jobId, int seq) {
        notifyIn(h, "log", executionId + "|" + jobId + "|" + seq);
    }

    @Override
    public void logEnded(String jobId) {
        send("logend", jobId);
    }

    @Override
    public void interrupt(Job job, long graceMillis) {
        if (job.runner() != null && job.runner().startsWith("node:") && !job.runner().equals(local.name())) {
            send("stop", job.id() + "|" + graceMillis);
        }
    }

    @Override
    public void timerArmed(long dueAt) {
        send("timer", Long.toString(dueAt));
    }

    @Override
    public void jobsQueued() {
        send("jobs", "");
    }

    @Override
    public void inputStored(String runner) {
        send("input", runner);
    }

    private void notifyIn(Handle h, String kind, String data) {
        h.createQuery("select pg_notify(:channel, :payload)").bind("channel", channel).bind("payload", kind + "|" + self + "|" + data)
                .mapTo(String.class).findOne();
    }

    private void send(String kind, String data) {
        if (closed) return;
        try {
            sender.execute(() -> {
                try {
                    jdbi.useHandle(h -> notifyIn(h, kind, data));
                } catch (RuntimeException e) {
                    LOG.debug("cannot notify other nodes: {}", e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closing
        }
    }

    // ------------------------------------------------------------------ receiving

    private void listen() {
        while (!closed) {
            try (Connection c = database.dedicatedConnection()) {
                listening = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN \"" + channel + "\"");
                }
                // whatever was signalled while not listening: look at everything again
                handler.execute(receiver::lookAgain);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] got = pg.getNotifications(1000);
                    if (got == null) continue;
                    for (PGNotification n : got) {
                        String payload = n.getParameter();
                        handler.execute(() -> receiver.handle(payload));
                    }
                }
            } catch (Exception e) {
                if (closed) return;
                LOG.warn("listening for other nodes failed ({}); reconnecting", e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (listener != null) listener.interrupt();
        Connection c = listening;
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        sender.shutdown();
        handler.shutdownNow();
    }
}
