package io.trailboss.monitor;

import io.trailboss.engine.Engine;
import io.trailboss.engine.LocalRunner;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This server process as operators see it: an id that is new for every process start (several nodes
 * may share a host and a database), its version, start time and uptime, and its load now.
 */
public final class Node {
    private final String id;
    private final String hostname = hostname();
    private final Clock clock;
    private final long startedAt;
    private final Engine engine;
    private final LocalRunner local;
    private volatile int port;

    public Node(Clock clock, Engine engine, LocalRunner local) {
        this.clock = clock;
        this.startedAt = clock.millis();
        this.id = engine.nodeId();
        this.engine = engine;
        this.local = local;
    }

    public String id() {
        return id;
    }

    public int port() {
        return port;
    }

    /** The HTTP port this node answers on, once its server has started. */
    public void port(int port) {
        this.port = port;
    }

    /** The identity, uptime and load, as {@code GET /api/v1/nodes/self} shows them. */
    public Map<String, Object> describe() {
        long now = clock.millis();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("local_jobs_running", local.running());
        load.put("outcomes_waiting", engine.outcomesWaiting());
        load.put("starts_waiting", engine.startsWaiting());
        load.put("heap_used_bytes", heap.getUsed());
        load.put("heap_max_bytes", heap.getMax());
        // -1 where the platform does not offer it
        load.put("system_load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        load.put("processors", Runtime.getRuntime().availableProcessors());
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", id);
        node.put("hostname", hostname);
        node.put("port", port);
        node.put("version", version());
        node.put("started_at", Instant.ofEpochMilli(startedAt).toString());
        node.put("uptime_seconds", Math.max(0, now - startedAt) / 1000);
        node.put("load", load);
        return node;
    }

    public static String version() {
        String v = Node.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
