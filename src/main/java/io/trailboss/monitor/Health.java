package io.trailboss.monitor;

import io.trailboss.engine.Engine;
import io.trailboss.store.Database;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Readiness: the database answers within a short timeout, its schema is the one this build migrated
 * to, and the engine's threads run. Each check is named in the answer so an operator sees what is not ready.
 */
public final class Health {
    public static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(2);

    private final Database database;
    private final Engine engine;
    private final Node node;

    public Health(Database database, Engine engine, Node node) {
        this.database = database;
        this.engine = engine;
        this.node = node;
    }

    public record Readiness(boolean ready, Map<String, Object> body) {}

    public Readiness ready() {
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean ready = true;
        String applied = null;
        try {
            // on its own thread: a database that does not answer must not hold the probe past the timeout
            applied = CompletableFuture.supplyAsync(database::appliedSchemaVersion, r -> Thread.startVirtualThread(r))
                    .get(DATABASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            checks.put("database", check(true, "reachable"));
        } catch (TimeoutException e) {
            ready = false;
            checks.put("database", check(false, "no answer within " + DATABASE_TIMEOUT.toMillis() + " ms"));
        } catch (ExecutionException e) {
            ready = false;
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            checks.put("database", check(false, "unreachable: " + cause.getClass().getSimpleName() + ": " + cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready = false;
            checks.put("database", check(false, "interrupted"));
        }
        if (checks.get("database") instanceof Map<?, ?> db && Boolean.TRUE.equals(db.get("ok"))) {
            boolean current = Objects.equals(applied, database.schemaVersion());
            ready &= current;
            checks.put("migrations", check(current, current ? "schema at version " + applied
                    : "schema at version " + applied + ", this build needs " + database.schemaVersion()));
        } else {
            checks.put("migrations", check(false, "unknown: the database did not answer"));
        }
        boolean workers = engine.workersAlive();
        ready &= workers;
        checks.put("engine", check(workers, workers ? "workers running" : "engine workers stopped"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "ready" : "not ready");
        body.put("checks", checks);
        body.put("node", node.describe());
        return new Readiness(ready, body);
    }

    private static Map<String, Object> check(boolean ok, String detail) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("ok", ok);
        c.put("detail", detail);
        return c;
    }
}
