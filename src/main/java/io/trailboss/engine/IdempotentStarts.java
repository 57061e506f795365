package io.trailboss.engine;

import io.trailboss.json.Json;
import io.trailboss.model.Execution;
import io.trailboss.store.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Execution starts with an idempotency key: the same key from the same principal with the same request
 * within {@link #RETENTION} answers the execution the first request started, without starting another;
 * the same key with another request is refused. The key is stored in the transaction that creates the
 * execution, under a primary key on (principal, key): of two concurrent retries one starts the execution,
 * the other's transaction fails on the key and finds the first one's. It holds across nodes and restarts.
 */
public final class IdempotentStarts {
    public static final Duration RETENTION = Duration.ofHours(24);
    private static final long PURGE_EVERY_MS = 60_000;

    /** What a start with a key came to. */
    public sealed interface Outcome {
        /** Started now. */
        record Started(Execution execution) implements Outcome {}

        /** Started before by the same request with this key: that execution, as it is now. */
        record Repeated(Execution execution) implements Outcome {}

        /** The key was used for another request (another body) within the retention. */
        record KeyReused(String executionId, long usedAt) implements Outcome {}
    }

    private final Engine engine;
    private final Clock clock;
    private final IdempotencyStore keys = new IdempotencyStore();
    private final AtomicLong lastPurge = new AtomicLong();

    public IdempotentStarts(Engine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    /** {@code body}: the request as the client sent it (the same body gives the same hash, whatever its key order). */
    public Outcome start(String principal, String key, Map<String, Object> body, StartRequest request) {
        String hash = hash(body);
        purgeNowAndThen();
        for (int attempt = 0; ; attempt++) {
            long cutoff = clock.millis() - RETENTION.toMillis();
            Optional<IdempotencyStore.Key> known = engine.jdbi().withHandle(h -> keys.find(h, principal, key)).filter(k -> k.createdAt() >= cutoff);
            if (known.isPresent()) {
                IdempotencyStore.Key k = known.get();
                if (!k.requestHash().equals(hash)) return new Outcome.KeyReused(k.executionId(), k.createdAt());
                Execution first = engine.jdbi().withHandle(h -> engine.executions.find(h, k.executionId()))
                        .orElseThrow(() -> new NotFoundException("execution '" + k.executionId() + "', started with this Idempotency-Key, no longer exists"));
                return new Outcome.Repeated(first);
            }
            try {
                return new Outcome.Started(engine.start(request, new Engine.StartHook() {
                    @Override
                    public void before(org.jdbi.v3.core.Handle h) {
                        keys.deleteExpired(h, principal, key, cutoff); // an expired row would hold the key
                    }

                    @Override
                    public void after(org.jdbi.v3.core.Handle h, Execution execution) {
                        keys.insert(h, principal, key, hash, execution.id(), clock.millis());
                    }
                }));
            } catch (RuntimeException e) {
                // another request with this key committed first (or is committing): read its answer
                if (!uniqueViolation(e) || attempt >= 3) throw e;
            }
        }
    }

    /** Keys past the retention go, at most once a minute per node, outside any start. */
    private void purgeNowAndThen() {
        long now = clock.millis();
        long last = lastPurge.get();
        if (now - last < PURGE_EVERY_MS || !lastPurge.compareAndSet(last, now)) return;
        try {
            engine.jdbi().useHandle(h -> keys.deleteExpired(h, now - RETENTION.toMillis()));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(IdempotentStarts.class).warn("cannot remove expired idempotency keys: {}", e.toString());
        }
    }

    private static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) return true;
        }
        return false;
    }

    /** SHA-256 of the request as canonical JSON (object keys sorted at every level). */
    static String hash(Map<String, Object> body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Json.write(AsyncCompletions.canonical(body)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
