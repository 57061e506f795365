package io.trailboss.cluster;

import io.trailboss.agent.AgentHub;
import io.trailboss.engine.Engine;
import io.trailboss.engine.LocalRunner;
import io.trailboss.json.Json;
import io.trailboss.store.Database;
import io.trailboss.store.JobStore;
import io.trailboss.store.PromptStore;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node among the server nodes sharing the database. It registers itself in the {@code node}
 * table, refreshes its heartbeat (with its load) every lease/5 (at most each second), and looks for
 * nodes whose heartbeat is older than their lease. One survivor claims a dead node's recovery
 * (a conditional update) and then, for the work the dead node owned:
 * <ul>
 * <li>outcomes it stored but had not applied are delivered to the engine (applied once: the job row
 *     is final afterwards);</li>
 * <li>its RUNNING local jobs are LOST (the task's {@code retry} decides), except actions that may
 *     simply run again (sleep, HTTP), which are queued again;</li>
 * <li>its QUEUED jobs become the survivor's and are dispatched;</li>
 * <li>its timer claims are released, its stdin text dropped, its jobs' open prompts closed;</li>
 * <li>parents of ended sub-workflows and runs of ended executions are brought up to date.</li>
 * </ul>
 * ({@link NodeRecovery}.) A node takes its dead peer's jobs in the claiming transaction, so a survivor that dies while
 * recovering leaves them to whoever recovers the survivor.
 */
public final class Nodes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Nodes.class);
    private static final long FORGET_AFTER_MS = Duration.ofDays(1).toMillis();

    private final Database database;
    private final Jdbi jdbi;
    private final Clock clock;
    private final Engine engine;
    private final LocalRunner local;
    private final NodeStore store = new NodeStore();
    private final JobStore jobs;
    private final PromptStore prompts = new PromptStore();
    private final NodeRecovery recovery;
    private final NodeHeartbeat heartbeat;
    private final String id;
    private final String host = hostname();
    private final long startedAt;
    private volatile int port;
    private volatile long leaseMillis = 10_000;
    private volatile Runnable onDeclaredDead = () -> { };
    private volatile boolean declaredDead;
    private final ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("node-heartbeat").unstarted(r));
    private volatile boolean started;

    public Nodes(Database database, Engine engine, LocalRunner local, AgentHub agents, Runnable runsRecover) {
        this.database = database;
        this.jdbi = database.jdbi();
        this.clock = engine.clock();
        this.engine = engine;
        this.jobs = engine.jobStore();
        this.local = local;
        this.recovery = new NodeRecovery(jdbi, engine, agents, runsRecover, store);
        this.heartbeat = new NodeHeartbeat(database);
        this.id = engine.nodeId();
        this.startedAt = clock.millis();
    }

    public String id() {
        return id;
    }

    public String host() {
        return host;
    }

    public long startedAt() {
        return startedAt;
    }

    /** The HTTP port this node answers on, once its server has started. */
    public void port(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    public Duration lease() {
        return Duration.ofMillis(leaseMillis);
    }

    /** How long this node counts as alive after its last heartbeat (default 10 s). */
    public void setLease(Duration lease) {
        if (lease.toMillis() < 1000) throw new IllegalArgumentException("a node lease must be at least 1 s");
        leaseMillis = lease.toMillis();
        engine.timerService().claimFor(leaseMillis);
    }

    /** What to do when another node declared this one dead (it took this node's work): the server stops. */
    public void onDeclaredDead(Runnable action) {
        this.onDeclaredDead = action;
    }

    /** Registers this node, recovers nodes that are already dead, and starts the heartbeat. Call once. */
    public synchronized void start() {
        if (started) return;
        started = true;
        jdbi.useHandle(h -> store.insert(h, id, host, port, io.trailboss.monitor.Node.version(), clock.millis(), leaseMillis, Json.write(load())));
        sweep();
        long every = Math.max(200, Math.min(1000, leaseMillis / 5));
        beat.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /** This node's load as the node table and {@code GET /api/v1/nodes} show it. */
    public Map<String, Object> load() {
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("local_jobs_running", local.running());
        load.put("outcomes_waiting", engine.outcomesWaiting());
        load.put("starts_waiting", engine.startsWaiting());
        return load;
    }

    private void tick() {
        try {
            long now = clock.millis();
            boolean alive = heartbeat.run(h -> store.heartbeat(h, id, port, now, leaseMillis, Json.write(load())));
            if (!alive) {
                if (!declaredDead) {
                    declaredDead = true;
                    LOG.error("node {} was declared dead by another node (no heartbeat for {} ms): its work was taken over", id, leaseMillis);
                    onDeclaredDead.run();
                }
                return;
            }
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("node heartbeat failed: {}", e.toString());
        }
    }

    /** Recovers every node that is dead now; returns how many this node recovered. */
    public int sweep() {
        long now = clock.millis();
        int n = 0;
        for (NodeStore.NodeRow other : jdbi.withHandle(h -> store.unrecovered(h, id))) {
            if (!dead(other, now)) continue;
            if (recovery.recover(other)) n++;
        }
        if (n > 0) jdbi.useHandle(h -> store.forget(h, now - FORGET_AFTER_MS));
        return n;
    }

    private boolean dead(NodeStore.NodeRow other, long now) {
        if (other.heartbeatAt() + other.leaseMs() < now) return true;
        // an embedded database has one process: whoever ran before this one is gone
        if (database.dialect() == Database.Dialect.H2) return true;
        // this process holds the port now: an older node on the same host and port is gone
        return port > 0 && other.port() == port && other.host().equals(host) && other.startedAt() <= startedAt;
    }

    /** Every node this database knows (recent dead ones too), oldest first. */
    public List<Map<String, Object>> list() {
        long now = clock.millis();
        return jdbi.withHandle(store::all).stream().map(r -> NodeViews.view(r, now, id)).toList();
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /**
     * Stops the heartbeat. A node that stops cleanly (its local runner has stopped its scripts) puts
     * its running local jobs back in the queue and marks its heartbeat as long gone, so that a survivor
     * (or this node's next start) takes over what it leaves at once instead of after the lease.
     */
    @Override
    public void close() {
        beat.shutdownNow();
        try {
            beat.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeat.close();
        if (!started) return;
        try {
            jdbi.useTransaction(h -> {
                // its running scripts were stopped with it: they run again wherever the queued job is taken
                for (String job : jobs.requeueStopped(h, local.name(), clock.millis())) prompts.closeForJob(h, job, clock.millis());
                store.markStopped(h, id);
            });
        } catch (RuntimeException e) {
            LOG.debug("cannot mark node {} stopped: {}", id, e.toString());
        }
    }
}
