package io.trailboss.cluster;

import io.trailboss.agent.AgentHub;
import io.trailboss.engine.Engine;
import io.trailboss.engine.EventHub;
import io.trailboss.engine.LocalRunner;
import io.trailboss.engine.NodeSignals;
import io.trailboss.json.Json;
import io.trailboss.model.Job;
import io.trailboss.store.Database;
import io.trailboss.store.ExecutionStore;
import io.trailboss.store.TaskStore;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private static final int MAX_PAYLOAD = 7000;

    private final Database database;
    private final Jdbi jdbi;
    private final Engine engine;
    private final LocalRunner local;
    private final AgentHub agents;
    private final String self;
    private final String channel;
    private final ExecutionStore executions = new ExecutionStore();
    private final TaskStore tasks = new TaskStore();
    // sends outside a transaction, and handles what arrives, one at a time in arrival order
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("node-signal-send").unstarted(r));
    private final ExecutorService handler = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("node-signal-handle").unstarted(r));
    private volatile boolean closed;
    private volatile Connection listening;
    private Thread listener;

    public PgSignals(Database database, Engine engine, LocalRunner local, AgentHub agents) {
        this.database = database;
        this.jdbi = database.jdbi();
        this.engine = engine;
        this.local = local;
        this.agents = agents;
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
        List<String> e = new ArrayList<>();
        List<String> t = new ArrayList<>();
        int size = 0;
        for (String id : executionIds) {
            e.add(id);
            size += id.length() + 3;
            if (size > MAX_PAYLOAD) {
                notifyIn(h, "changed", Json.write(Map.of("e", e, "t", t, "c", List.of())));
                e = new ArrayList<>();
                size = 0;
            }
        }
        for (String id : taskIds) {
            t.add(id);
            size += id.length() + 3;
            if (size > MAX_PAYLOAD) {
                notifyIn(h, "changed", Json.write(Map.of("e", e, "t", t, "c", List.of())));
                e = new ArrayList<>();
                t = new ArrayList<>();
                size = 0;
            }
        }
        List<List<String>> c = new ArrayList<>();
        for (List<String> control : controls) {
            if (String.join(",", control).length() > 2000) continue; // a control on very many tasks: its state changes still go
            c.add(control);
            size += String.join(",", control).length() + 10;
            if (size > MAX_PAYLOAD) {
                notifyIn(h, "changed", Json.write(Map.of("e", e, "t", t, "c", c)));
                e = new ArrayList<>();
                t = new ArrayList<>();
                c = new ArrayList<>();
                size = 0;
            }
        }
        if (!e.isEmpty() || !t.isEmpty() || !c.isEmpty()) notifyIn(h, "changed", Json.write(Map.of("e", e, "t", t, "c", c)));
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
                handler.execute(this::lookAgain);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] got = pg.getNotifications(1000);
                    if (got == null) continue;
                    for (PGNotification n : got) {
                        String payload = n.getParameter();
                        handler.execute(() -> handle(payload));
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

    private void lookAgain() {
        agents.wake();
        engine.timerService().due(0);
        local.poke();
    }

    void handle(String payload) {
        try {
            String[] parts = payload.split("\\|", 3);
            if (parts.length < 3 || parts[1].equals(self)) return;
            String data = parts[2];
            switch (parts[0]) {
                case "changed" -> changedElsewhere(Json.readMap(data));
                case "log" -> {
                    String[] d = data.split("\\|");
                    engine.jobLogs().chunkElsewhere(d[0], d[1], Integer.parseInt(d[2]));
                }
                case "logend" -> engine.jobLogs().endedElsewhere(data);
                case "stop" -> {
                    String[] d = data.split("\\|");
                    local.interrupt(d[0], Long.parseLong(d[1]));
                }
                case "timer" -> engine.timerService().due(Long.parseLong(data));
                case "jobs" -> agents.wake();
                case "input" -> {
                    if (data.equals(local.name())) local.takeInputs();
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot handle a signal from another node ({}): {}", payload, e.toString());
        }
    }

    /** Another node's transaction changed these: followers here get the rows as they are now. */
    private void changedElsewhere(Map<String, Object> changed) {
        EventHub events = engine.events();
        if (events.followers() == 0) return;
        List<String> e = strings(changed.get("e"));
        List<String> t = strings(changed.get("t"));
        jdbi.useHandle(h -> {
            if (changed.get("c") instanceof List<?> controls) {
                for (Object o : controls) {
                    List<String> c = strings(o);
                    if (c.size() == 3) events.controlled(c.get(0), c.get(1), c.get(2).isEmpty() ? null : c.get(2));
                }
            }
            for (String id : t) tasks.find(h, id).ifPresent(events::taskChanged);
            for (String id : e) executions.find(h, id).ifPresent(events::executionChanged);
        });
    }

    private static List<String> strings(Object o) {
        if (!(o instanceof List<?> l)) return List.of();
        return l.stream().map(String::valueOf).toList();
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
