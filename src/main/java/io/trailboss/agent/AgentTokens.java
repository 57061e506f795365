package io.trailboss.agent;

import io.trailboss.engine.ConflictException;
import io.trailboss.engine.Ids;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.NotFoundException;
import io.trailboss.json.Json;
import io.trailboss.target.Targets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Agent tokens: 256 random bits shown once when issued; the table keeps their SHA-256 (a hash is
 * enough, the token is random, not a password). The active tokens are cached in memory and
 * reloaded on every change here and periodically (other server nodes may change them).
 */
public final class AgentTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    private static final String COLUMNS = "id, name, targets, labels, created_at, revoked_at, last_seen_at";

    /** A token as issued: the only time the secret is seen. */
    public record Issued(AgentToken token, String secret) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private volatile List<AgentToken> active = List.of();
    private volatile Map<String, AgentToken> byHash = Map.of();

    public AgentTokens(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        reload();
    }

    public Issued issue(String name, List<String> targets, Map<String, String> labels) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("name", "an agent token needs a name of letters, digits, '.', '_' or '-' (at most 100), not '" + name + "'");
        }
        if ((targets == null || targets.isEmpty()) && (labels == null || labels.isEmpty())) {
            throw new InvalidInputException("targets", "an agent token must be scoped: give target names ('targets') and/or a label selector ('labels')");
        }
        List<String> names = targets == null ? List.of() : List.copyOf(targets);
        Map<String, String> selector = labels == null ? Map.of() : Map.copyOf(labels);
        Targets.checkSelector(selector, "labels");
        String secret = "tba_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
        AgentToken token = new AgentToken(Ids.next(), name, names, selector, clock.millis(), null, null);
        jdbi.useTransaction(h -> {
            boolean taken = h.createQuery("select count(*) from agent_token where name = :name and revoked_at is null")
                    .bind("name", name).mapTo(Long.class).one() > 0;
            if (taken) throw new ConflictException("an active agent token named '" + name + "' exists (the name is the agent's identity; revoke it first)");
            h.createUpdate("insert into agent_token (id, name, token_hash, targets, labels, created_at) values (:id, :name, :hash, :targets, :labels, :now)")
                    .bind("id", token.id()).bind("name", name).bind("hash", hash(secret)).bind("targets", Json.write(names))
                    .bind("labels", Json.write(new java.util.TreeMap<>(selector))).bind("now", token.createdAt()).execute();
        });
        reload();
        return new Issued(token, secret);
    }

    public List<AgentToken> list() {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from agent_token order by created_at, id").map((rs, ctx) -> map(rs)).list());
    }

    /** Revokes a token (by id or name of the active one); revoking twice is harmless. */
    public AgentToken revoke(String idOrName) {
        AgentToken t = jdbi.inTransaction(h -> {
            AgentToken found = h.createQuery("select " + COLUMNS + " from agent_token where id = :key or (name = :key and revoked_at is null) order by created_at desc")
                    .bind("key", idOrName).map((rs, ctx) -> map(rs)).findFirst()
                    .orElseThrow(() -> new NotFoundException("agent token '" + idOrName + "' does not exist"));
            if (found.revokedAt() == null) {
                h.createUpdate("update agent_token set revoked_at = :now where id = :id and revoked_at is null").bind("now", clock.millis()).bind("id", found.id()).execute();
            }
            return found;
        });
        reload();
        return t;
    }

    /**
     * The active token a secret belongs to; empty for a missing, wrong or revoked one. Agents call on
     * every request, so the active tokens are looked up in memory (reloaded on every change here and
     * by the lease sweeper at least once a second: a revocation through another server node takes
     * effect here within that); a secret not found there is looked up in the table.
     */
    public Optional<AgentToken> authenticate(String given) {
        if (given == null || given.isBlank() || given.length() > 300) return Optional.empty();
        String secret = secretOf(given);
        String hash = hash(secret);
        AgentToken known = byHash.get(hash);
        if (known != null) return Optional.of(known);
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from agent_token where token_hash = :hash and revoked_at is null")
                .bind("hash", hash).map((rs, ctx) -> map(rs)).findOne());
    }

    /**
     * An issued secret with the SHA-256 fingerprint (hex) of the certificate the agent is to trust appended after a
     * dot (never part of a secret): {@code tba_<secret>.<fingerprint>}. Only the secret is sent to the server.
     */
    public static String withPin(String secret, String fingerprintHex) {
        return secret + PIN_SEPARATOR + fingerprintHex;
    }

    /** The secret of a token as issued, with or without a fingerprint. */
    public static String secretOf(String token) {
        int dot = token.indexOf(PIN_SEPARATOR);
        return dot < 0 ? token : token.substring(0, dot);
    }

    /** The fingerprint a token carries, or null. */
    public static String pinOf(String token) {
        int dot = token.indexOf(PIN_SEPARATOR);
        return dot < 0 ? null : token.substring(dot + 1);
    }

    private static final char PIN_SEPARATOR = '.';

    void seen(AgentToken token) {
        jdbi.useHandle(h -> h.createUpdate("update agent_token set last_seen_at = :now where id = :id").bind("now", clock.millis()).bind("id", token.id()).execute());
    }

    /** The tokens not revoked, as last loaded. */
    public List<AgentToken> active() {
        return active;
    }

    void reload() {
        Map<String, AgentToken> hashes = new java.util.HashMap<>();
        List<AgentToken> loaded = jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + ", token_hash from agent_token where revoked_at is null").map((rs, ctx) -> {
            AgentToken t = map(rs);
            hashes.put(rs.getString("token_hash"), t);
            return t;
        }).list());
        active = loaded;
        byHash = Map.copyOf(hashes);
    }

    static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Hex SHA-256, the form agent tokens are stored in. */
    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AgentToken map(ResultSet rs) throws SQLException {
        List<String> targets = new ArrayList<>();
        if (Json.read(rs.getString("targets")) instanceof List<?> l) l.forEach(v -> targets.add(String.valueOf(v)));
        Map<String, String> labels = new LinkedHashMap<>();
        Json.readMap(rs.getString("labels")).forEach((k, v) -> labels.put(k, String.valueOf(v)));
        long revoked = rs.getLong("revoked_at");
        Long revokedAt = rs.wasNull() ? null : revoked;
        long seen = rs.getLong("last_seen_at");
        Long seenAt = rs.wasNull() ? null : seen;
        return new AgentToken(rs.getString("id"), rs.getString("name"), List.copyOf(targets), Map.copyOf(labels), rs.getLong("created_at"), revokedAt, seenAt);
    }
}
