package io.trailboss.auth;

import io.trailboss.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Login sessions ({@code user_session}): a random id in the browser's cookie, its SHA-256 in the table,
 * so every node of one database accepts it. A session found is cached here for {@link #CACHE_TTL};
 * logout through this node ends it at once, through another node within that TTL.
 */
public final class Sessions {
    public static final Duration CACHE_TTL = Duration.ofSeconds(10);
    public static final Duration LIFETIME = Duration.ofHours(12);

    /** A session as the request sees it: who, its CSRF token, until when. */
    public record Session(Principal principal, String userId, String csrf, long expiresAt) {}

    /** A new session: {@code id} goes into the cookie and is not kept anywhere. */
    public record Created(String id, Session session) {}

    private record Cached(Session session, long loadedAt) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Sessions(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Created create(User user) {
        String id = Passwords.secret("");
        String csrf = Passwords.secret("");
        long now = clock.millis();
        long expires = now + LIFETIME.toMillis();
        jdbi.useTransaction(h -> {
            h.createUpdate("delete from user_session where expires_at < :now").bind("now", now).execute();
            h.createUpdate("insert into user_session (id_hash, user_id, csrf, created_at, expires_at) values (:hash, :user, :csrf, :now, :expires)")
                    .bind("hash", Passwords.sha256(id)).bind("user", user.id()).bind("csrf", csrf).bind("now", now).bind("expires", expires).execute();
        });
        return new Created(id, new Session(user.principal(), user.id(), csrf, expires));
    }

    public Optional<Session> find(String id) {
        if (id == null || id.isBlank() || id.length() > 200) return Optional.empty();
        String hash = Passwords.sha256(id);
        long now = clock.millis();
        Cached c = cache.get(hash);
        if (c == null || now - c.loadedAt() > CACHE_TTL.toMillis()) {
            Optional<Session> loaded = jdbi.withHandle(h -> h.createQuery("""
                    select s.user_id, s.csrf, s.expires_at, u.username, u.roles from user_session s join app_user u on u.id = s.user_id
                    where s.id_hash = :hash and u.disabled_at is null""").bind("hash", hash).map((rs, ctx) -> {
                List<?> texts = Json.read(rs.getString("roles")) instanceof List<?> l ? l : List.of();
                return new Session(new Principal(rs.getString("username"), Principal.Kind.USER, Grant.parseAll(texts), null, null),
                        rs.getString("user_id"), rs.getString("csrf"), rs.getLong("expires_at"));
            }).findOne());
            if (loaded.isEmpty()) {
                cache.remove(hash);
                return Optional.empty();
            }
            c = new Cached(loaded.get(), now);
            cache.put(hash, c);
        }
        return now < c.session().expiresAt() ? Optional.of(c.session()) : Optional.empty();
    }

    /** Ends a session (logout); harmless for an unknown one. */
    public void delete(String id) {
        if (id == null || id.length() > 200) return;
        String hash = Passwords.sha256(id);
        cache.remove(hash);
        jdbi.useHandle(h -> h.createUpdate("delete from user_session where id_hash = :hash").bind("hash", hash).execute());
    }

    /** Forgets cached sessions of a user (roles changed, disabled) so this node reads them again. */
    public void forgetUser(String userId) {
        cache.values().removeIf(c -> c.session().userId().equals(userId));
    }
}
