package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.trailboss.app.Trailboss;
import io.trailboss.monitor.Health;
import java.util.Map;

/** Prometheus metrics, liveness and readiness probes, and this node's identity and load. */
final class HealthRoutes {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Trailboss tb;

    HealthRoutes(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        r.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(tb.metrics().scrape()), Access.VIEWER);
        // live: the process answers HTTP; nothing else is asked, so a slow database never gets it restarted
        r.get("/health/live", ctx -> ctx.json(Map.of("status", "ok", "node", tb.node().id())), Access.PUBLIC);
        r.get("/health/ready", ctx -> {
            Health.Readiness readiness = tb.health().ready();
            ctx.status(readiness.ready() ? 200 : 503).json(readiness.body());
        }, Access.PUBLIC);
        r.get("/api/v1/nodes/self", ctx -> ctx.json(tb.node().describe()), Access.VIEWER);
        // every node of the database: identity, last heartbeat, alive or recovered by whom, load
        r.get("/api/v1/nodes", ctx -> ctx.json(Map.of("items", tb.nodes().list(), "self", tb.nodes().id())), Access.VIEWER);
    }
}
