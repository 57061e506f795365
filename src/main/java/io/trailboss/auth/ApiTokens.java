package io.trailboss.auth;

import io.trailboss.engine.Ids;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.NotFoundException;
import io.trailboss.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * API tokens ({@code api_token}): 256 random bits shown once, stored as SHA-256 (a random token needs
 * no KDF). A verified token is cached in memory for {@link #CACHE_TTL}, so a request costs a hash and
 * a map lookup; a revocation here drops the cache entry at once, one through another node takes
 * effect here within the TTL. Expiry is checked on every use. A personal token acts with its user's
 * roles (read with the token, so cached as long) and stops when the user is disabled.
 */
public final class ApiTokens {
    public static final Duration CACHE_TTL = Duration.ofSeconds(10);
    private static final Duration LAST_USED_EVERY = Duration.ofMinutes(1);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}");
    private static final String COLUMNS = """
            t.id, t.name, t.kind, t.roles, t.created_at, t.expires_at, t.revoked_at, t.last_used_at, u.username, u.roles as user_roles, u.disabled_at""";
    private static final String FROM = " from api_token t left join app_user u on u.id = t.user_id";

    /** A token as issued: the only time its secret is seen. */
    public record Issued(ApiToken token, String secret) {}

    private record Cached(ApiToken token, Principal principal, long loadedAt) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final AuditLog audit;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Long> lastWritten = new ConcurrentHashMap<>();
    private final java.util.concurrent.ThreadPoolExecutor uses = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(10_000), r -> Thread.ofPlatform().daemon().name("token-uses").unstarted(r));

    public ApiTokens(Jdbi jdbi, Clock clock, AuditLog audit) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.audit = audit;
    }

    /** A personal token of {@code user}, or (user null) a service token with {@code roles}. */
    public Issued issue(String name, User user, List<Grant> roles, Duration validFor) {
        return issue(name, user, roles, validFor, Passwords.secret("tbk_"));
    }

    Issued issue(String name, User user, List<Grant> roles, Duration validFor, String secret) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("name", "a token needs a name of 1-100 letters, digits, '.', '_', '@' or '-', not '" + name + "'");
        }
        if (user == null && (roles == null || roles.isEmpty())) throw new InvalidInputException("roles", "a service token needs at least one role");
        if (user != null && roles != null && !roles.isEmpty()) throw new InvalidInputException("roles", "a personal token has its user's roles; give roles to a service token only");
        if (validFor != null && (validFor.isNegative() || validFor.isZero())) throw new InvalidInputException("expires_in_days", "a token's validity must be positive");
        long now = clock.millis();
        ApiToken.Kind kind = user == null ? ApiToken.Kind.SERVICE : ApiToken.Kind.PERSONAL;
        List<Grant> own = user == null ? roles : List.of();
        ApiToken token = new ApiToken(Ids.next(), name, kind, user == null ? null : user.username(), own, now,
                validFor == null ? null : now + validFor.toMillis(), null, null);
        jdbi.useHandle(h -> h.createUpdate("""
                insert into api_token (id, name, kind, user_id, roles, token_hash, created_at, expires_at)
                values (:id, :name, :kind, :user, :roles, :hash, :now, :expires)""")
                .bind("id", token.id()).bind("name", name).bind("kind", kind.name()).bind("user", user == null ? null : user.id())
                .bind("roles", Json.write(Grant.texts(own))).bind("hash", Passwords.sha256(secret)).bind("now", now)
                .bind("expires", token.expiresAt()).execute());
        return new Issued(token, secret);
    }

    public List<ApiToken> list() {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + FROM + " order by t.created_at, t.id").map((rs, ctx) -> map(rs)).list());
    }

    public ApiToken get(String id) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + FROM + " where t.id = :id").bind("id", id).map((rs, ctx) -> map(rs)).findOne())
                .orElseThrow(() -> new NotFoundException("token '" + id + "' does not exist"));
    }

    /** Revokes a token; revoking twice is harmless. Drops it from this node's cache at once. */
    public ApiToken revoke(String id) {
        get(id);
        flushUses(); // uses made before the revoke are audited before it
        jdbi.useHandle(h -> h.createUpdate("update api_token set revoked_at = :now where id = :id and revoked_at is null").bind("now", clock.millis()).bind("id", id).execute());
        cache.values().removeIf(c -> c.token().id().equals(id));
        return get(id);
    }

    /** Forgets cached tokens of a user (their roles changed or they were disabled). */
    public void forgetUser(String username) {
        cache.values().removeIf(c -> username.equals(c.token().user()));
    }

    /** Whether a secret has the form of an API token (so other kinds of tokens are not looked up here). */
    public static boolean looksLike(String secret) {
        return secret != null && secret.startsWith("tbk_");
    }

    /** Whether a token with this secret is registered (revoked or not), without counting a use. */
    public boolean exists(String secret) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from api_token where token_hash = :hash").bind("hash", Passwords.sha256(secret))
                .mapTo(Long.class).one()) > 0;
    }

    /** The principal of a valid token; empty for an unknown, revoked or expired one or a disabled user's. */
    public Optional<Principal> authenticate(String secret) {
        if (secret == null || secret.isBlank() || secret.length() > 200) return Optional.empty();
        String hash = Passwords.sha256(secret);
        long now = clock.millis();
        Cached c = cache.get(hash);
        if (c == null || now - c.loadedAt() > CACHE_TTL.toMillis()) {
            c = load(hash, now);
            if (c == null) {
                cache.remove(hash);
                return Optional.empty();
            }
            cache.put(hash, c);
        }
        ApiToken t = c.token();
        if (t.expiresAt() != null && now >= t.expiresAt()) return Optional.empty();
        used(t, c.principal(), now);
        return Optional.of(c.principal());
    }

    private Cached load(String hash, long now) {
        record Row(ApiToken token, Principal principal) {}
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + FROM + " where t.token_hash = :hash and t.revoked_at is null")
                .bind("hash", hash).map((rs, ctx) -> {
                    ApiToken t = map(rs);
                    if (t.kind() == ApiToken.Kind.PERSONAL) {
                        rs.getLong("disabled_at");
                        if (!rs.wasNull()) return new Row(t, null);
                        List<?> texts = Json.read(rs.getString("user_roles")) instanceof List<?> l ? l : List.of();
                        return new Row(t, new Principal(t.user(), Principal.Kind.USER, Grant.parseAll(texts), t.id(), null));
                    }
                    return new Row(t, new Principal(t.name(), Principal.Kind.TOKEN, t.roles(), t.id(), null));
                }).findOne());
        return row.filter(r -> r.principal() != null).map(r -> new Cached(r.token(), r.principal(), now)).orElse(null);
    }

    /**
     * Records a use: {@code last_used_at} at most once a minute per token and node, and an audit entry for
     * the first use in each hour (the conditional update lets one node of a cluster win that hour).
     */
    private void used(ApiToken t, Principal p, long now) {
        Long last = lastWritten.get(t.id());
        if (last != null && now - last < LAST_USED_EVERY.toMillis()) return;
        lastWritten.put(t.id(), now);
        try {
            // written on the side: a request never waits for (or on a lock of) its token's row
            uses.execute(() -> recordUse(t, p, now));
        } catch (java.util.concurrent.RejectedExecutionException full) {
            // too many uses queued (the database is slow): this one is not recorded, and the log says so
            lastWritten.remove(t.id());
            org.slf4j.LoggerFactory.getLogger(ApiTokens.class).warn("token use queue full: the use of token {} at {} is not recorded", t.id(), now);
        }
    }

    /** Waits until the uses recorded so far are written (at most 10 s). */
    public void flushUses() {
        try {
            uses.submit(() -> {}).get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // a read goes on with what is written
        }
    }

    void close() {
        flushUses();
        uses.shutdown();
    }

    private void recordUse(ApiToken t, Principal p, long now) {
        try {
            long hourStart = now - now % Duration.ofHours(1).toMillis();
            int first = jdbi.withHandle(h -> h.createUpdate("update api_token set last_used_at = :now where id = :id and (last_used_at is null or last_used_at < :hour)")
                    .bind("now", now).bind("id", t.id()).bind("hour", hourStart).execute());
            if (first > 0) {
                audit.record(AuditLog.Entry.of(p, "token.use").subject("token:" + t.id()).status(200));
            } else {
                jdbi.useHandle(h -> h.createUpdate("update api_token set last_used_at = :now where id = :id").bind("now", now).bind("id", t.id()).execute());
            }
        } catch (RuntimeException e) {
            // recording a use never refuses the request it belongs to
            org.slf4j.LoggerFactory.getLogger(ApiTokens.class).warn("could not record the use of token {}: {}", t.id(), e.toString());
        }
    }

    private static ApiToken map(ResultSet rs) throws SQLException {
        List<?> texts = Json.read(rs.getString("roles")) instanceof List<?> l ? l : List.of();
        return new ApiToken(rs.getString("id"), rs.getString("name"), ApiToken.Kind.valueOf(rs.getString("kind")), rs.getString("username"),
                Grant.parseAll(texts), rs.getLong("created_at"), nullable(rs, "expires_at"), nullable(rs, "revoked_at"), nullable(rs, "last_used_at"));
    }

    static Long nullable(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

}
