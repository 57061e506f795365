package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import io.trailboss.app.Trailboss;
import io.trailboss.auth.ApiToken;
import io.trailboss.auth.ApiTokens;
import io.trailboss.auth.Auth;
import io.trailboss.auth.AuditLog;
import io.trailboss.auth.Grant;
import io.trailboss.auth.Principal;
import io.trailboss.auth.Sessions;
import io.trailboss.auth.User;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Login and logout, users, API tokens and the audit log. */
final class AuthRoutes {
    private static final String LOGIN_PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Trailboss: log in</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body>
            <main>
            <h1>Trailboss</h1>
            %s
            <form method="post" action="/login">
              <input type="hidden" name="_csrf" value="%s">
              <input type="hidden" name="next" value="%s">
              <p><label>Username <input name="username" autocomplete="username" required autofocus></label></p>
              <p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
              <p><button type="submit">Log in</button></p>
            </form>
            </main>
            </body></html>
            """;

    private final Trailboss tb;

    AuthRoutes(Trailboss tb) {
        this.tb = tb;
    }

    private Auth auth() {
        return tb.auth();
    }

    void register(RoutesConfig r) {
        r.get("/login", ctx -> page(ctx, 200, null, ctx.queryParam("next")), Access.PUBLIC);
        r.post("/login", this::login, Access.PUBLIC);
        r.post("/logout", ctx -> {
            String id = ctx.cookie(Security.COOKIE);
            if (id != null) auth().sessions().delete(id);
            Principal p = ctx.attribute(Security.PRINCIPAL);
            if (auth().required() && p != null) auth().audit().record(AuditLog.Entry.of(p, "logout").status(200));
            ctx.removeCookie(Security.COOKIE, "/");
            if (wantsHtml(ctx)) ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
            else ctx.status(204);
        }, Access.VIEWER);
        r.get("/api/v1/me", ctx -> {
            Principal p = ctx.attribute(Security.PRINCIPAL);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", p.name());
            out.put("kind", p.kind().label());
            out.put("roles", Grant.texts(p.roles()));
            out.put("auth", auth().mode().name().toLowerCase(java.util.Locale.ROOT));
            out.put("csrf", ctx.attribute(Security.CSRF));
            ctx.json(out);
        }, Access.VIEWER);

        r.post("/api/v1/users", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("username", "password", "roles"));
            User u = auth().users().create(Bodies.string(body, "username", true), Bodies.string(body, "password", true), roles(body, true));
            auth().audit().record(AuditLog.Entry.of(ctx.attribute(Security.PRINCIPAL), "user.create").subject("user:" + u.username()).status(201));
            ctx.status(201).json(user(u));
        }, Access.ADMIN);
        r.get("/api/v1/users", ctx -> {
            List<Map<String, Object>> items = auth().users().list().stream().map(AuthRoutes::user).toList();
            ctx.json(Bodies.page(items, items.size(), items.size(), 0));
        }, Access.ADMIN);
        r.get("/api/v1/users/{name}", ctx -> ctx.json(user(auth().users().get(ctx.pathParam("name")))), Access.ADMIN);
        r.put("/api/v1/users/{name}/roles", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("roles"));
            User u = auth().users().setRoles(ctx.pathParam("name"), roles(body, true));
            auth().forget(u);
            ctx.json(user(u));
        }, Access.ADMIN);
        r.post("/api/v1/users/{name}/disable", ctx -> {
            User u = auth().users().disable(ctx.pathParam("name"));
            auth().forget(u);
            ctx.json(user(u));
        }, Access.ADMIN);
        r.put("/api/v1/users/{name}/password", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("password"));
            User u = auth().users().setPassword(ctx.pathParam("name"), Bodies.string(body, "password", true));
            auth().forget(u);
            ctx.status(204);
        }, Access.ADMIN);

        r.post("/api/v1/tokens", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("name", "kind", "user", "roles", "expires_in_days"));
            String kind = Bodies.string(body, "kind", false);
            kind = kind == null ? (body.get("user") != null ? "personal" : "service") : kind;
            User owner = null;
            if (kind.equals("personal")) {
                String name = Bodies.string(body, "user", false);
                if (name == null) throw ApiException.badRequest("user", "a personal token needs 'user', the user it acts as");
                owner = auth().users().get(name);
            } else if (!kind.equals("service")) {
                throw ApiException.badRequest("kind", "'kind' must be personal or service, not '" + kind + "'");
            }
            Duration validFor = null;
            Object days = body.get("expires_in_days");
            if (days != null) {
                if (!(days instanceof Number n) || n.doubleValue() <= 0 || n.doubleValue() > 3650) {
                    throw ApiException.badRequest("expires_in_days", "'expires_in_days' must be a number of days between 0 and 3650");
                }
                validFor = Duration.ofMillis(Math.round(n.doubleValue() * 86_400_000d));
            }
            ApiTokens.Issued issued = auth().tokens().issue(Bodies.string(body, "name", true), owner, roles(body, false), validFor);
            auth().audit().record(AuditLog.Entry.of(ctx.attribute(Security.PRINCIPAL), "token.issue").subject("token:" + issued.token().id()).status(201)
                    .detail(issued.token().kind().name().toLowerCase(java.util.Locale.ROOT) + " " + issued.token().name()));
            Map<String, Object> view = token(issued.token());
            view.put("token", issued.secret());
            ctx.status(201).json(view);
        }, Access.ADMIN);
        r.get("/api/v1/tokens", ctx -> {
            auth().tokens().flushUses();
            List<Map<String, Object>> items = auth().tokens().list().stream().map(AuthRoutes::token).toList();
            ctx.json(Bodies.page(items, items.size(), items.size(), 0));
        }, Access.ADMIN);
        r.delete("/api/v1/tokens/{id}", ctx -> {
            ApiToken t = auth().tokens().revoke(ctx.pathParam("id"));
            auth().audit().record(AuditLog.Entry.of(ctx.attribute(Security.PRINCIPAL), "token.revoke").subject("token:" + t.id()).status(200));
            ctx.json(token(t));
        }, Access.ADMIN);

        r.get("/api/v1/audit", ctx -> {
            AuditLog.Query q = new AuditLog.Query(blank(ctx.queryParam("actor")), blank(ctx.queryParam("action")), blank(ctx.queryParam("target")),
                    Bodies.timeParam(ctx, "since"), Bodies.timeParam(ctx, "until"), Bodies.intParam(ctx, "limit", 100, 1, 1000),
                    Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE));
            auth().tokens().flushUses();
            ctx.json(auth().audit().query(q));
        }, Access.ADMIN);
    }

    private void login(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        boolean json = type.startsWith("application/json");
        // login CSRF: another site's page must not log the browser in (into an account of the attacker's choosing)
        try {
            Security.refuseCrossSiteChanges(ctx);
        } catch (Security.Refused e) {
            if (json) throw e;
            page(ctx, 403, "This login came from another site's page and was refused. Log in here.", null);
            return;
        }
        String username, password, next;
        if (json) {
            Map<String, Object> body = Bodies.object(ctx, Set.of("username", "password", "next"));
            username = Bodies.string(body, "username", true);
            password = Bodies.string(body, "password", true);
            next = Bodies.string(body, "next", false);
        } else if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
            next = ctx.formParam("next");
            // a form (the one thing another site's page can post without asking) needs the token of this server's own login page
            if (!loginTokenMatches(ctx)) {
                page(ctx, 403, "The login form had expired or did not come from this server. Log in again.", next);
                return;
            }
            username = ctx.formParam("username");
            password = ctx.formParam("password");
        } else {
            throw new ApiException(415, null, "log in with a form (application/x-www-form-urlencoded) or JSON {username, password}");
        }
        if (username == null || password == null || username.isEmpty() || password.isEmpty()) {
            if (json) throw ApiException.badRequest("username", "'username' and 'password' are required");
            page(ctx, 400, "Give a username and a password.", next);
            return;
        }
        Auth.Login result = auth().login(username, password, ctx.ip());
        switch (result) {
            case Auth.Login.Limited l -> {
                ctx.header("Retry-After", String.valueOf(Math.max(1, l.retryAfter().toSeconds())));
                if (json) throw new ApiException(429, null, "too many failed logins; retry in " + l.retryAfter().toSeconds() + " s");
                page(ctx, 429, "Too many failed logins. Wait a minute and try again.", next);
            }
            case Auth.Login.Failure f -> {
                if (json) throw new Security.Refused(401, "wrong username or password", null);
                page(ctx, 401, "Wrong username or password.", next);
            }
            case Auth.Login.Success s -> {
                Sessions.Created c = s.session();
                // over TLS, or through a trusted proxy that served TLS (--trusted-proxies): never on a forged header
                boolean secure = ctx.req().isSecure();
                Cookie cookie = new Cookie(Security.COOKIE, c.id(), "/", (int) Sessions.LIFETIME.toSeconds(), secure, true, null, SameSite.LAX);
                ctx.cookie(cookie);
                if (json) {
                    ctx.json(Map.of("user", c.session().principal().name(), "csrf", c.session().csrf(),
                            "expires_at", Instant.ofEpochMilli(c.session().expiresAt()).toString()));
                } else {
                    ctx.redirect(localPath(next), io.javalin.http.HttpStatus.SEE_OTHER);
                }
            }
        }
    }

    /** Only a path on this server: never another host ({@code //host}, {@code /\host}, a scheme). */
    static String localPath(String next) {
        if (next == null || next.isEmpty() || next.length() > 2000) return "/";
        if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.chars().anyMatch(c -> c < 0x20 || c == '\\')) return "/";
        return next;
    }

    /**
     * The login page, with a login CSRF token in a cookie (only sent to /login, never readable by scripts) and in
     * the form: a form posted from another site's page carries no such pair. A browser keeps its token, so
     * several login tabs work.
     */
    private static void page(Context ctx, int status, String error, String next) {
        String token = ctx.cookie(LOGIN_COOKIE);
        if (token == null || !token.matches("[A-Za-z0-9_-]{43}")) {
            token = io.trailboss.auth.Passwords.secret("");
        }
        boolean secure = "https".equals(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        ctx.cookie(new Cookie(LOGIN_COOKIE, token, "/login", -1, secure, true, null, SameSite.STRICT));
        String message = error == null ? "" : "<p role=\"alert\">" + escape(error) + "</p>";
        ctx.status(status).contentType("text/html; charset=utf-8").result(LOGIN_PAGE.formatted(message, token, escape(localPath(next))));
    }

    static final String LOGIN_COOKIE = "tb_login_csrf";

    private static boolean loginTokenMatches(Context ctx) {
        String cookie = ctx.cookie(LOGIN_COOKIE);
        String field = ctx.formParam(Security.CSRF_FIELD);
        return cookie != null && field != null && cookie.length() == 43
                && java.security.MessageDigest.isEqual(cookie.getBytes(java.nio.charset.StandardCharsets.UTF_8), field.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static boolean wantsHtml(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/html");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static List<Grant> roles(Map<String, Object> body, boolean required) {
        Object v = body.get("roles");
        if (v == null) {
            if (required) throw ApiException.badRequest("roles", "'roles' is required: a list such as [\"viewer\"] or [\"operator@group:shop\"]");
            return List.of();
        }
        if (!(v instanceof List<?> l)) throw ApiException.badRequest("roles", "'roles' must be a list of strings");
        return Grant.parseAll(l);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static Map<String, Object> user(User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.id());
        m.put("username", u.username());
        m.put("roles", Grant.texts(u.roles()));
        m.put("created_at", Instant.ofEpochMilli(u.createdAt()).toString());
        m.put("disabled_at", u.disabledAt() == null ? null : Instant.ofEpochMilli(u.disabledAt()).toString());
        return m;
    }

    static Map<String, Object> token(ApiToken t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("kind", t.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("user", t.user());
        m.put("roles", Grant.texts(t.roles()));
        m.put("created_at", Instant.ofEpochMilli(t.createdAt()).toString());
        m.put("expires_at", t.expiresAt() == null ? null : Instant.ofEpochMilli(t.expiresAt()).toString());
        m.put("revoked_at", t.revokedAt() == null ? null : Instant.ofEpochMilli(t.revokedAt()).toString());
        m.put("last_used_at", t.lastUsedAt() == null ? null : Instant.ofEpochMilli(t.lastUsedAt()).toString());
        return m;
    }
}
