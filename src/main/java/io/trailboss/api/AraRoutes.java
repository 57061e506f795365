package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.trailboss.app.Trailboss;
import io.trailboss.json.Json;
import io.trailboss.record.AraResource;
import io.trailboss.auth.Principal;
import io.trailboss.record.RecordException;
import io.trailboss.record.RecordWriter;
import io.trailboss.record.Recordings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ARA's REST API v1 under {@code /ara}: ARA's callback and client, given
 * {@code ARA_API_SERVER=http://host:port/ara}, record into and read from Trailboss's recording store.
 * Errors answer as ARA's server does ({@code {"detail": ...}}, 400 with the field at fault).
 */
final class AraRoutes {
    static final String BASE = "/ara/api/v1";
    private static final int MAX_LIMIT = 10_000;
    private final Recordings recordings;

    AraRoutes(Trailboss tb) {
        this.recordings = tb.recordings();
    }

    void register(RoutesConfig r) {
        // retention by hand (trailboss recordings prune); the server's --recordings-retention-days does it on a schedule
        r.post("/api/v1/recordings/prune", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, java.util.Set.of("older_than_days"));
            Object days = body.get("older_than_days");
            if (!(days instanceof Integer || days instanceof Long) || ((Number) days).longValue() < 0 || ((Number) days).longValue() > 36_500) {
                throw ApiException.badRequest("older_than_days", "'older_than_days' must be a whole number of days from 0 to 36500");
            }
            Recordings.Pruned p = recordings.prune(java.time.Duration.ofDays(((Number) days).longValue()));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("older_than", java.time.Instant.ofEpochMilli(p.before()).toString());
            out.put("playbooks", p.playbooks());
            out.put("file_contents", p.contents());
            ctx.json(out);
        }, Access.ADMIN);
        r.get("/ara/api", h(ctx -> send(ctx, 200, Map.of("kind", "ara", "version", "1.5.8", "server", "trailboss",
                "api", List.of(ctx.url().replaceAll("/+$", "") + "/v1/")))), Access.VIEWER, Access.JOB);
        r.get(BASE, h(ctx -> {
            Map<String, Object> index = new LinkedHashMap<>();
            for (AraResource res : AraResource.values()) index.put(res.path, ctx.url().replaceAll("/+$", "") + "/" + res.path);
            send(ctx, 200, index);
        }), Access.VIEWER, Access.JOB);
        r.get(BASE + "/{resource}", h(ctx -> {
            AraResource res = resource(ctx);
            int limit = intParam(ctx, "limit", 100, 1, MAX_LIMIT);
            int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            Recordings.Page page = recordings.list(res, ctx.queryParamMap(), limit, offset);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("count", page.count());
            body.put("next", offset + limit < page.count() ? pageUrl(ctx, limit, offset + limit) : null);
            body.put("previous", offset > 0 ? pageUrl(ctx, limit, Math.max(0, offset - limit)) : null);
            body.put("results", page.results());
            send(ctx, 200, body);
        }), Access.VIEWER, Access.JOB);
        // a running job's token writes only below the playbooks its job created (see RecordWriter)
        r.post(BASE + "/{resource}", h(ctx -> send(ctx, 201, recordings.create(resource(ctx), body(ctx), writer(ctx)))), Access.OPERATOR, Access.JOB);
        r.get(BASE + "/{resource}/{id}", h(ctx -> send(ctx, 200, recordings.get(resource(ctx), id(ctx)))), Access.VIEWER, Access.JOB);
        r.patch(BASE + "/{resource}/{id}", h(ctx -> send(ctx, 200, recordings.patch(resource(ctx), id(ctx), body(ctx), writer(ctx)))), Access.OPERATOR, Access.JOB);
        r.put(BASE + "/{resource}/{id}", h(ctx -> send(ctx, 200, recordings.patch(resource(ctx), id(ctx), body(ctx), writer(ctx)))), Access.OPERATOR, Access.JOB);
        r.delete(BASE + "/{resource}/{id}", h(ctx -> {
            recordings.delete(resource(ctx), id(ctx), writer(ctx));
            ctx.status(204);
        }), Access.OPERATOR, Access.JOB);
    }

    /** A running job writes as itself; anybody else who got past the route's roles writes as anyone. */
    private static RecordWriter writer(Context ctx) {
        Principal p = ctx.attribute(Security.PRINCIPAL);
        return p != null && p.kind() == Principal.Kind.JOB ? RecordWriter.job(p.subject()) : RecordWriter.ANYONE;
    }

    private static AraResource resource(Context ctx) {
        return AraResource.byPath(ctx.pathParam("resource")).orElseThrow(RecordException::notFound);
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw RecordException.notFound();
        }
    }

    private static Map<String, Object> body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) throw RecordException.invalid(null, "The request body is empty; expected a JSON object.");
        try {
            // ARA's callback posts what Python's json module writes: NaN and Infinity included
            if (Json.readLenient(text) instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) m;
                return map;
            }
            throw RecordException.invalid(null, "JSON parse error - expected a JSON object");
        } catch (IllegalArgumentException e) {
            throw RecordException.invalid(null, "JSON parse error - " + e.getMessage());
        }
    }

    private static int intParam(Context ctx, String name, int otherwise, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) return otherwise;
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) throw RecordException.invalid(name, "'" + name + "' must be between " + min + " and " + max + ".");
            return n;
        } catch (NumberFormatException e) {
            throw RecordException.invalid(name, "'" + name + "' must be a whole number, not '" + v + "'.");
        }
    }

    private static String pageUrl(Context ctx, int limit, int offset) {
        List<String> parts = new ArrayList<>();
        ctx.queryParamMap().forEach((k, vs) -> {
            if (k.equals("limit") || k.equals("offset")) return;
            for (String v : vs) parts.add(enc(k) + "=" + enc(v));
        });
        parts.add("limit=" + limit);
        if (offset > 0) parts.add("offset=" + offset);
        return ctx.url() + "?" + String.join("&", parts);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The whole answer as one byte array, so that it leaves in one write (Jetty adds its length). */
    private static void send(Context ctx, int status, Object body) {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        ctx.status(status).contentType("application/json").result(bytes);
    }

    private static Handler h(Handler inner) {
        return ctx -> {
            // No keep-alive for ARA's HTTP client (and Python's requests, which it is built on): ara_record runs in Ansible's
            // forked workers and reuses the callback's HTTP session, so a pooled connection would be
            // shared by several processes and their answers would cross. A closed connection is never
            // inherited. Other clients (and a client that does not say) keep their connection.
            String agent = ctx.header("User-Agent");
            if (agent != null && (agent.startsWith("ara-http-client") || agent.startsWith("python-requests"))) ctx.header("Connection", "close");
            try {
                inner.handle(ctx);
            } catch (RecordException e) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("detail", e.getMessage());
                if (e.field() != null) body.put(e.field(), List.of(e.getMessage()));
                send(ctx, switch (e.kind()) {
                    case NOT_FOUND -> 404;
                    case FORBIDDEN -> 403;
                    case INVALID -> 400;
                }, body);
            }
        };
    }
}
