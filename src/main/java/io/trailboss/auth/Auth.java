package io.trailboss.auth;

import io.trailboss.engine.ConflictException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication: users, API tokens, login sessions, the audit log, login and webhook rate limits, and
 * the first-start bootstrap. Free of HTTP; the API layer asks it who a credential belongs to.
 */
public final class Auth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Auth.class);
    /** How long a verified username and password (HTTP Basic) is remembered, so Argon2 runs once per TTL. */
    public static final Duration BASIC_TTL = Duration.ofSeconds(30);
    /** Login failures allowed per (username, client address) within a minute (see {@link LoginLimits}). */
    public static final int LOGIN_FAILURES = LoginLimits.PAIR_FAILURES;
    /** Webhook calls allowed per trigger within a minute. */
    public static final int HOOK_CALLS = 60;
    public static final String BOOTSTRAP_TOKEN_NAME = "bootstrap-admin";

    /** {@code REQUIRED}: every non-public route needs a credential; {@code OPEN}: anyone acts as admin. */
    public enum Mode {
        OPEN, REQUIRED;

        /** Open only on a loopback address with the embedded database. */
        public static Mode defaultFor(String host, boolean embedded) {
            return embedded && isLoopback(host) ? OPEN : REQUIRED;
        }

        static boolean isLoopback(String host) {
            if (host == null) return false;
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            if (h.equals("localhost")) return true;
            try {
                // a literal address only: no name lookup decides who may act as admin
                if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) return false;
                return java.net.InetAddress.getByName(h).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
    }

    /** What a login attempt came to. */
    public sealed interface Login {
        record Success(Sessions.Created session) implements Login {}
        record Failure() implements Login {}
        record Limited(Duration retryAfter) implements Login {}
    }

    private record Remembered(Principal principal, long until) {}

    private final Clock clock;
    private final Passwords passwords = new Passwords();
    private final AuditLog audit;
    private final Users users;
    private final ApiTokens tokens;
    private final Sessions sessions;
    private final LoginLimits loginFailures;
    private final RateLimiter hooks;
    private final Map<String, Remembered> basic = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.OPEN;

    public Auth(Jdbi jdbi, Clock clock) {
        this.clock = clock;
        this.audit = new AuditLog(jdbi, clock);
        this.users = new Users(jdbi, clock, passwords);
        this.tokens = new ApiTokens(jdbi, clock, audit);
        this.sessions = new Sessions(jdbi, clock);
        this.loginFailures = new LoginLimits(clock);
        this.hooks = new RateLimiter(HOOK_CALLS, Duration.ofMinutes(1), clock);
    }

    public Mode mode() {
        return mode;
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    public boolean required() {
        return mode == Mode.REQUIRED;
    }

    public Users users() {
        return users;
    }

    public ApiTokens tokens() {
        return tokens;
    }

    public Sessions sessions() {
        return sessions;
    }

    public AuditLog audit() {
        return audit;
    }

    public Passwords passwords() {
        return passwords;
    }

    /** Webhook calls per trigger. */
    public RateLimiter hooks() {
        return hooks;
    }

    /**
     * First start: with no users, creates {@code admin} with {@code adminPassword} or a random one
     * (announced once); with {@code adminToken}, registers an admin service token with exactly that
     * secret if none has it. Several nodes starting at once on one database: the unique constraints let
     * one win, the others carry on.
     */
    public void bootstrap(String adminPassword, String adminToken, Consumer<String> announce) {
        if (users.count() == 0) {
            boolean given = adminPassword != null && !adminPassword.isBlank();
            String password = given ? adminPassword : Passwords.secret("").substring(0, 24);
            try {
                users.create("admin", password, List.of(Grant.global(Role.ADMIN)));
                audit.record(AuditLog.Entry.anonymous("system", "user.create").subject("user:admin").status(201).detail("first start"));
                announce.accept(given ? "created user 'admin' with the password of TRAILBOSS_ADMIN_PASSWORD"
                        : "created user 'admin' with password: " + password + " (shown once; change it or create other users)");
            } catch (ConflictException raced) {
                // another node created it first
            }
        }
        if (adminToken != null && !adminToken.isBlank()) {
            if (adminToken.length() < 16 || adminToken.length() > 200) throw new IllegalArgumentException("TRAILBOSS_ADMIN_TOKEN must have 16 to 200 characters");
            // a token revoked since keeps its row: it is not registered again
            if (!tokens.exists(adminToken)) {
                try {
                    tokens.issue(BOOTSTRAP_TOKEN_NAME, null, List.of(Grant.global(Role.ADMIN)), null, adminToken);
                    announce.accept("registered the admin service token of TRAILBOSS_ADMIN_TOKEN");
                } catch (RuntimeException raced) {
                    // the unique hash: another node registered the same secret at the same moment
                    if (!tokens.exists(adminToken)) throw raced;
                }
            }
        }
    }

    /** A login with a password: verified once (Argon2id), then the session stands for it. */
    public Login login(String username, String password, String client) {
        String name = username == null ? "" : username;
        Optional<Duration> wait = loginFailures.check(name, client);
        if (wait.isPresent()) {
            audit.record(AuditLog.Entry.anonymous(cut(username), "login").status(429).detail("rate limited, from " + client));
            LOG.warn("login as '{}' from {} refused: too many failures", cut(username), client);
            return new Login.Limited(wait.get());
        }
        Optional<User> user = users.verify(username, password);
        if (user.isEmpty()) {
            loginFailures.failed(name, client);
            audit.record(AuditLog.Entry.anonymous(cut(username), "login").status(401).detail("wrong username or password, from " + client));
            LOG.info("failed login as '{}' from {}", cut(username), client);
            return new Login.Failure();
        }
        loginFailures.succeeded(name, client);
        Sessions.Created created = sessions.create(user.get());
        audit.record(AuditLog.Entry.of(user.get().principal(), "login").status(200).detail("from " + client));
        LOG.info("login as '{}' from {}", username, client);
        return new Login.Success(created);
    }

    /**
     * HTTP Basic: a user's password or an API token as the password. A verified pair is remembered for
     * {@link #BASIC_TTL} under the SHA-256 of both, so Argon2 runs once per TTL, not per request. Failures
     * count against the login rate limit (empty with {@code limited} set when blocked).
     */
    public Optional<Principal> basic(String username, String password, String client) throws LimitedException {
        String key = Passwords.sha256(username + "\u0000" + password);
        long now = clock.millis();
        Remembered r = basic.get(key);
        if (r != null && now < r.until()) return Optional.of(r.principal());
        Optional<Principal> p;
        p = tokens.authenticate(password);
        // a token has its own cache (and its revocation must drop it): only a verified password is remembered here
        if (p.isPresent()) return p;
        if (!ApiTokens.looksLike(password)) {
            Optional<Duration> wait = loginFailures.check(username, client);
            if (wait.isPresent()) throw new LimitedException(wait.get());
            p = users.verify(username, password).map(User::principal);
            if (p.isEmpty()) loginFailures.failed(username, client);
            else loginFailures.succeeded(username, client);
        }
        if (basic.size() > 10_000) basic.clear();
        p.ifPresentOrElse(pr -> basic.put(key, new Remembered(pr, now + BASIC_TTL.toMillis())), () -> basic.remove(key));
        return p;
    }

    /** Remembers a principal found for a Basic pair by other means (a job token), for {@code ttl}. */
    public void rememberBasic(String username, String password, Principal p, Duration ttl) {
        basic.put(Passwords.sha256(username + "\u0000" + password), new Remembered(p, clock.millis() + ttl.toMillis()));
    }

    /** A user's roles changed or they were disabled: this node forgets what it cached about them. */
    public void forget(User user) {
        tokens.forgetUser(user.username());
        sessions.forgetUser(user.id());
        basic.clear();
    }

    /** Too many failures: wait {@code retryAfter}. */
    public static final class LimitedException extends Exception {
        private final Duration retryAfter;

        public LimitedException(Duration retryAfter) {
            super("too many failed logins; retry in " + retryAfter.toSeconds() + " s", null, false, false);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    private static String cut(String s) {
        return s == null ? "" : s.length() > 100 ? s.substring(0, 100) : s;
    }

    @Override
    public void close() {
        tokens.close();
        audit.close();
    }

}
