package io.trailboss.store;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Idempotency keys of execution starts (table {@code idempotency_key}). */
public final class IdempotencyStore {
    private static final String FIND = """
            select request_hash, execution_id, created_at from idempotency_key where principal = :principal and idem_key = :key
            """;
    private static final String INSERT = """
            insert into idempotency_key (principal, idem_key, request_hash, execution_id, created_at)
            values (:principal, :key, :hash, :execution, :now)
            """;
    private static final String DELETE_EXPIRED_ONE = """
            delete from idempotency_key where principal = :principal and idem_key = :key and created_at < :before
            """;
    private static final String DELETE_EXPIRED = "delete from idempotency_key where created_at < :before";

    /** A key as stored: the SHA-256 of the request it came with, the execution that request started, when. */
    public record Key(String requestHash, String executionId, long createdAt) {}

    public Optional<Key> find(Handle h, String principal, String key) {
        return h.createQuery(FIND).bind("principal", principal).bind("key", key)
                .map((rs, ctx) -> new Key(rs.getString("request_hash"), rs.getString("execution_id"), rs.getLong("created_at"))).findOne();
    }

    /** Fails with a unique violation (SQL state 23505) when the principal's key is taken. */
    public void insert(Handle h, String principal, String key, String requestHash, String executionId, long now) {
        h.createUpdate(INSERT).bind("principal", principal).bind("key", key).bind("hash", requestHash).bind("execution", executionId)
                .bind("now", now).execute();
    }

    public void deleteExpired(Handle h, String principal, String key, long before) {
        h.createUpdate(DELETE_EXPIRED_ONE).bind("principal", principal).bind("key", key).bind("before", before).execute();
    }

    public int deleteExpired(Handle h, long before) {
        return h.createUpdate(DELETE_EXPIRED).bind("before", before).execute();
    }

    /** Deletes the keys that started these executions: a retry of such a request starts anew. */
    public int deleteForExecutions(Handle h, java.util.Collection<String> executionIds) {
        if (executionIds.isEmpty()) return 0;
        return h.createUpdate("delete from idempotency_key where execution_id in (<executions>)").bindList("executions", java.util.List.copyOf(executionIds)).execute();
    }
}
