package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.javalin.security.RouteRole;
import io.trailboss.agent.AgentToken;
import io.trailboss.app.Trailboss;
import io.trailboss.auth.ApiTokens;
import io.trailboss.auth.Auth;
import io.trailboss.auth.AuditLog;
import io.trailboss.auth.Principal;
import io.trailboss.auth.Role;
import io.trailboss.auth.Sessions;
import io.trailboss.auth.TargetFacts;
import io.trailboss.model.Execution;
import io.trailboss.model.Job;
import io.trailboss.model.Target;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The access check in front of every route: who the caller is (API token, agent token, job token,
 * HTTP Basic, session cookie), CSRF for cookie-authenticated changes, and whether the route's
 * {@link Access} roles admit them; afterwards, the audit entry of a change. A route registered
 * without a role is refused to everybody but admins.
 */
final class Security {
    static final String PRINCIPAL = "tb.principal";
    static final String CSRF = "tb.csrf";
    static final String COOKIE = "tb_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String CSRF_FIELD = "_csrf";
    /** The username with which a running job gives its job token as an HTTP Basic password (the ARA callback). */
    static final String JOB_USER = "job";
    private static final String VIA = "tb.via";
    private static final Set<String> UNSAFE = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** A refusal: 401 (with a challenge) or 403. */
    static final class Refused extends RuntimeException {
        final int status;
        final String challenge;

        Refused(int status, String message, String challenge) {
            super(message, null, false, false);
            this.status = status;
            this.challenge = challenge;
        }
    }

    /** A browser without a login is sent to the login page. */
    static final class ToLogin extends RuntimeException {
        final String location;

        ToLogin(String location) {
            super(location, null, false, false);
            this.location = location;
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Security.class);
    private final Trailboss tb;

    Security(Trailboss tb) {
        this.tb = tb;
    }

    void install(RoutesConfig r) {
        r.beforeMatched(this::check);
        r.afterMatched(this::audit);
    }

    private Auth auth() {
        return tb.auth();
    }

    /**
     * A server running open trusts whoever reaches it, so it must not be reached through somebody else's page: a
     * web page the person has open could otherwise post to 127.0.0.1 (a cross-site form or a text/plain fetch needs
     * no preflight), or a DNS name rebound to 127.0.0.1 could read it. Browsers say where a request comes from
     * (Origin, Sec-Fetch-Site); the CLI, agents and curl send neither and are unaffected.
     */
    private static void refuseForeignPages(Context ctx) {
        java.net.InetAddress local;
        try {
            local = java.net.InetAddress.getByName(ctx.req().getLocalAddr());
        } catch (java.net.UnknownHostException | RuntimeException e) {
            local = null;
        }
        if (local != null && local.isLoopbackAddress() && !loopbackName(hostOf(authority(ctx)))) {
            throw new Refused(403, "this server runs open on a loopback address and answers only to a loopback host name"
                    + " (localhost, 127.0.0.1, [::1]), not '" + authority(ctx) + "'", null);
        }
        refuseCrossSiteChanges(ctx);
    }

    /** A change a page of another site makes (browsers say so in Origin and Sec-Fetch-Site) is refused. */
    static void refuseCrossSiteChanges(Context ctx) {
        String method = ctx.method().name();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) return;
        if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
            throw new Refused(403, "a change made by another site's page is refused", null);
        }
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equals("null")) {
            String originHost;
            try {
                originHost = java.net.URI.create(origin).getRawAuthority();
            } catch (IllegalArgumentException e) {
                originHost = null;
            }
            if (originHost == null || !originHost.equalsIgnoreCase(String.valueOf(authority(ctx)))) {
                throw new Refused(403, "a change from another origin (" + origin + ") is refused", null);
            }
        } else if ("null".equals(origin)) {
            throw new Refused(403, "a change from an opaque origin is refused", null);
        }
    }

    /**
     * The host (and port) the client asked for: its Host header over HTTP/1.1; over HTTP/2, which has no Host
     * header, the request's authority (written as a Host header would be: no port when it is the scheme's default).
     */
    private static String authority(Context ctx) {
        String host = ctx.header("Host");
        if (host != null) return host;
        String name = ctx.req().getServerName();
        if (name == null || name.isEmpty()) return null;
        if (name.contains(":") && !name.startsWith("[")) name = "[" + name + "]";
        int port = ctx.req().getServerPort();
        boolean defaultPort = port <= 0 || (port == 443 && ctx.req().isSecure()) || (port == 80 && !ctx.req().isSecure());
        return defaultPort ? name : name + ":" + port;
    }

    private static String hostOf(String hostHeader) {
        if (hostHeader == null) return "";
        String h = hostHeader.strip();
        if (h.startsWith("[")) return h.substring(0, h.indexOf(']') + 1);
        int colon = h.lastIndexOf(':');
        return colon > 0 ? h.substring(0, colon) : h;
    }

    // compiled once: String.matches compiled it again for every request of an open server
    private static final java.util.regex.Pattern LOOPBACK_V4 = java.util.regex.Pattern.compile("127(\\.\\d{1,3}){3}");

    private static boolean loopbackName(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost") || h.equals("[::1]") || LOOPBACK_V4.matcher(h).matches();
    }

    private void check(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        Set<RouteRole> roles = ctx.routeRoles();
        if (!auth().required()) {
            refuseForeignPages(ctx);
            String by = ctx.header(Bodies.USER_HEADER);
            ctx.attribute(PRINCIPAL, Principal.open(by == null || by.isBlank() ? "anonymous" : by.strip()));
            ctx.attribute(CSRF, null);
            return;
        }
        boolean isPublic = roles.contains(Access.PUBLIC);
        Principal p = authenticate(ctx, endpoint, isPublic);
        ctx.attribute(PRINCIPAL, p);
        if (isPublic) return;
        if (p == null) throw unauthenticated(ctx);
        if ("cookie".equals(ctx.attribute(VIA)) && UNSAFE.contains(ctx.method().name())) checkCsrf(ctx);
        if (!allowed(ctx, p, roles)) {
            LOG.debug("refused {} {} to {} ({})", ctx.method().name(), endpoint.path, p.name(), p.kind().label());
            throw new Refused(403, roles.isEmpty() ? "this route has no access role: only admins may call it"
                    : p.name() + " (" + p.kind().label() + ") may not " + ctx.method().name() + " " + endpoint.path + " (needs " + needs(roles) + ")", null);
        }
    }

    /** The caller, or null when the request carries no credential (a wrong credential is refused on non-public routes). */
    private Principal authenticate(Context ctx, Endpoint endpoint, boolean isPublic) {
        String authorization = ctx.header("Authorization");
        if (authorization != null && !isPublic) {
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                ctx.attribute(VIA, "bearer");
                return bearer(authorization.substring(7).strip())
                        .orElseThrow(() -> new Refused(401, "the token is unknown, expired or revoked", challenge(endpoint)));
            }
            if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                ctx.attribute(VIA, "basic");
                // a browser that once answered /ara's Basic challenge sends the credentials with any later request,
                // a cross-site form's too: Basic changes get the cross-site check that cookies get through CSRF
                refuseCrossSiteChanges(ctx);
                return basic(ctx, authorization.substring(6).strip())
                        .orElseThrow(() -> new Refused(401, "wrong username or password", challenge(endpoint)));
            }
            throw new Refused(401, "unsupported Authorization scheme (use Bearer or Basic)", challenge(endpoint));
        }
        String cookie = ctx.cookie(COOKIE);
        if (cookie != null) {
            Optional<Sessions.Session> s = auth().sessions().find(cookie);
            if (s.isPresent()) {
                ctx.attribute(VIA, "cookie");
                ctx.attribute(CSRF, s.get().csrf());
                return s.get().principal();
            }
        }
        return null;
    }

    private Optional<Principal> bearer(String secret) {
        if (secret.startsWith("tba_")) return tb.agents().tokens().authenticate(secret).map(Security::agent);
        Optional<Principal> token = auth().tokens().authenticate(secret);
        if (token.isPresent() || ApiTokens.looksLike(secret)) return token;
        // a job token (tbj_<job id>.<secret>, or a running job's token of the shape before tokens named their job)
        return tb.engine().runningJobForToken(secret).map(Security::job);
    }

    private Optional<Principal> basic(Context ctx, String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) return Optional.empty();
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        if (JOB_USER.equals(user)) {
            // a running job's token: its job found by the id it names, remembered briefly (a job that ended loses /ara within that)
            Optional<Principal> job = tb.engine().runningJobForToken(password).map(Security::job);
            job.ifPresent(p -> auth().rememberBasic(user, password, p, Duration.ofSeconds(5)));
            return job;
        }
        try {
            return auth().basic(user, password, ctx.ip());
        } catch (Auth.LimitedException e) {
            ctx.header("Retry-After", String.valueOf(Math.max(1, e.retryAfter().toSeconds())));
            throw new Refused(429, e.getMessage(), null);
        }
    }

    static Principal agent(AgentToken t) {
        return new Principal(t.name(), Principal.Kind.AGENT, List.of(), null, t.id());
    }

    static Principal job(Job j) {
        return new Principal("job:" + j.id(), Principal.Kind.JOB, List.of(), null, j.id());
    }

    private static String challenge(Endpoint endpoint) {
        return endpoint != null && endpoint.path.startsWith("/ara") ? "Basic realm=\"trailboss\", charset=\"UTF-8\"" : "Bearer realm=\"trailboss\"";
    }

    private RuntimeException unauthenticated(Context ctx) {
        String path = ctx.path();
        String accept = ctx.header("Accept");
        boolean api = path.startsWith("/api") || path.startsWith("/ara") || path.startsWith("/mistral") || path.equals("/metrics");
        if (!api && accept != null && accept.contains("text/html")) {
            String next = path + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            return new ToLogin("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        }
        return new Refused(401, "authentication required: send Authorization: Bearer <token> (or Basic on /ara), or log in at /login", challenge(ctx.endpoints().matchedHttpEndpoint()));
    }

    private static void checkCsrf(Context ctx) {
        String expected = ctx.attribute(CSRF);
        String given = ctx.header(CSRF_HEADER);
        if (given == null) {
            String type = ctx.contentType() == null ? "" : ctx.contentType();
            if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) given = ctx.formParam(CSRF_FIELD);
        }
        if (expected == null || given == null
                || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            throw new Refused(403, "missing or wrong CSRF token: send the session's token in header " + CSRF_HEADER + " or form field " + CSRF_FIELD, null);
        }
    }

    private boolean allowed(Context ctx, Principal p, Set<RouteRole> roles) {
        if (roles.isEmpty()) return p.hasGlobally(Role.ADMIN) && people(p);
        for (RouteRole role : roles) {
            if (!(role instanceof Access a)) continue;
            boolean ok = switch (a) {
                case PUBLIC -> true;
                case AGENT -> p.kind() == Principal.Kind.AGENT;
                case JOB -> p.kind() == Principal.Kind.JOB;
                // a running job may read (the CLI inside a job, with its job token)
                case VIEWER -> (people(p) && p.hasAnywhere(Role.VIEWER)) || p.kind() == Principal.Kind.JOB;
                case OPERATOR -> people(p) && (p.hasGlobally(Role.OPERATOR) || (p.hasAnywhere(Role.OPERATOR) && scopedOk(ctx, p)));
                case ADMIN -> people(p) && p.hasGlobally(Role.ADMIN);
            };
            if (ok) return true;
        }
        return false;
    }

    private static boolean people(Principal p) {
        return p.kind() == Principal.Kind.USER || p.kind() == Principal.Kind.TOKEN;
    }

    private boolean scopedOk(Context ctx, Principal p) {
        TargetFacts t = targetOf(ctx);
        return t != null && p.has(Role.OPERATOR, t);
    }

    /** The one target a route acts on, for target-scoped grants; null when the route acts on no single target. */
    private TargetFacts targetOf(Context ctx) {
        String route = ctx.endpoints().matchedHttpEndpoint().path;
        try {
            // the web UI's actions act on the same objects as the API's and are scoped the same way
            if (route.startsWith("/api/v1/targets/{name}") || route.startsWith("/ui/targets/{name}")) return facts(ctx.pathParam("name"));
            if (route.startsWith("/api/v1/executions/{id}") || route.startsWith("/mistral/v2/executions/{id}") || route.startsWith("/ui/executions/{id}")) {
                return boundTarget(ctx.pathParam("id"));
            }
            if (route.startsWith("/api/v1/jobs/{id}")) return jobTarget(ctx.pathParam("id"));
            if (route.startsWith("/api/v1/manual/{job}") || route.startsWith("/ui/manual/{job}")) return jobTarget(ctx.pathParam("job"));
            if (route.startsWith("/api/v1/prompts/{id}") || route.startsWith("/ui/prompts/{id}")) return jobTarget(tb.inbox().prompt(ctx.pathParam("id")).jobId());
        } catch (RuntimeException notFound) {
            return null;
        }
        return null;
    }

    private TargetFacts jobTarget(String jobId) {
        Job j = tb.queries().job(jobId).orElse(null);
        if (j == null) return null;
        return j.target() != null ? facts(j.target()) : boundTarget(j.executionId());
    }

    private TargetFacts boundTarget(String executionId) {
        Execution e = tb.queries().execution(executionId).orElse(null);
        if (e == null || !(e.bound().get("target") instanceof String name)) return null;
        return facts(name);
    }

    private TargetFacts facts(String name) {
        Target t = tb.targets().get(name);
        List<String> lineage = new ArrayList<>();
        lineage.add(t.name());
        Target at = t;
        for (int i = 0; i < 100 && at.parentId() != null; i++) {
            at = tb.targets().get(at.parentId());
            lineage.add(at.name());
        }
        return new TargetFacts(t.name(), t.labels(), lineage);
    }

    private static String needs(Set<RouteRole> roles) {
        return String.join(" or ", roles.stream().map(r -> r.toString().toLowerCase(java.util.Locale.ROOT)).sorted().toList());
    }

    /** After the handler: one audit entry per change made by an authenticated caller; never fails the request. */
    private void audit(Context ctx) {
        try {
            if (!auth().required() || !UNSAFE.contains(ctx.method().name())) return;
            Principal p = ctx.attribute(PRINCIPAL);
            if (p == null) return;
            Endpoint e = ctx.endpoints().matchedHttpEndpoint();
            String route = e.path;
            // the agent protocol and ARA ingest by jobs are traffic, not decisions; logins are recorded by the login itself
            if (p.kind() == Principal.Kind.AGENT || (p.kind() == Principal.Kind.JOB && route.startsWith("/ara")) || route.equals("/login") || route.equals("/logout")) return;
            AuditLog.Entry entry = AuditLog.Entry.of(p, ctx.method().name() + " " + route).status(ctx.statusCode());
            var params = ctx.pathParamMap();
            if (route.startsWith("/api/v1/targets/{name}")) entry = entry.target(params.get("name"));
            else if (route.startsWith("/api/v1/executions/{id}") || route.startsWith("/mistral/v2/executions/{id}")) entry = entry.execution(params.get("id"));
            if (!params.isEmpty()) entry = entry.subject(String.join(",", params.entrySet().stream().map(x -> x.getKey() + "=" + x.getValue()).toList()));
            auth().audit().record(entry);
        } catch (RuntimeException ex) {
            // the request is answered; an audit problem is logged by the audit log, never raised
        }
    }
}
