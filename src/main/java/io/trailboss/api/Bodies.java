package io.trailboss.api;

import io.javalin.http.Context;
import io.trailboss.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reading request bodies and parameters strictly: unknown fields and wrong types are 400s. */
final class Bodies {
    private Bodies() {}

    static Map<String, Object> object(Context ctx, Set<String> allowed) {
        String body = ctx.body();
        if (body.isBlank()) throw ApiException.badRequest(null, "the request body is empty; expected a JSON object");
        Map<String, Object> map;
        try {
            map = Json.readMap(body);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, "the request body is not a JSON object: " + e.getMessage());
        }
        for (String key : map.keySet()) {
            if (!allowed.contains(key)) {
                throw ApiException.badRequest(key, "unknown field '" + key + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return map;
    }

    /**
     * Refuses plain data read from JSON that came inside a string of the body ({@code field}), which the check of
     * the body ({@link RequestText}) saw only as text: a NUL, a lone surrogate, NaN or Infinity in it.
     */
    static void refuseFlaws(Object value, String field) {
        io.trailboss.json.PlainText.Flaw flaw = io.trailboss.json.PlainText.flaw(value);
        if (flaw == null) return;
        String at = flaw.path().isEmpty() ? field : field + "." + flaw.path();
        throw ApiException.badRequest(at, "field '" + at + "' " + flaw.message());
    }

    /** The header that says who acts when the body has no {@code by} (on a server running open). */
    static final String USER_HEADER = "X-Trailboss-User";

    /**
     * Who is acting, for audits and decisions: with authentication, the authenticated principal whatever the
     * body says; running open, the body's {@code by}, else the user header, else anonymous.
     */
    static String actor(io.javalin.http.Context ctx, Map<String, Object> body) {
        io.trailboss.auth.Principal p = ctx.attribute(Security.PRINCIPAL);
        if (p != null && p.kind() != io.trailboss.auth.Principal.Kind.ANONYMOUS_OPEN) return p.name();
        String by = string(body, "by", false);
        if (by == null) by = ctx.header(USER_HEADER);
        if (by == null || by.isBlank()) return "anonymous";
        if (by.length() > 200) throw ApiException.badRequest("by", "'by' may hold at most 200 characters");
        return by.strip();
    }

    /** The authenticated principal's name, or (running open) the user header as given, possibly null. */
    static String headerActor(io.javalin.http.Context ctx) {
        io.trailboss.auth.Principal p = ctx.attribute(Security.PRINCIPAL);
        if (p != null && p.kind() != io.trailboss.auth.Principal.Kind.ANONYMOUS_OPEN) return p.name();
        return ctx.header(USER_HEADER);
    }

    static String string(Map<String, Object> body, String key, boolean required) {
        Object v = body.get(key);
        if (v == null) {
            if (required) throw ApiException.badRequest(key, "field '" + key + "' is required");
            return null;
        }
        if (!(v instanceof String s)) throw ApiException.badRequest(key, "field '" + key + "' must be a string");
        return s;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) return Map.of();
        if (!(v instanceof Map<?, ?> m)) throw ApiException.badRequest(key, "field '" + key + "' must be a JSON object");
        return (Map<String, Object>) m;
    }

    static int intParam(Context ctx, String name, int otherwise, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) return otherwise;
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw ApiException.badRequest(name, "'" + name + "' must be between " + min + " and " + max);
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, "'" + name + "' must be a whole number, not '" + v + "'");
        }
    }

    static Long timeParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) return null;
        try {
            return java.time.OffsetDateTime.parse(v).toInstant().toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.Instant.parse(v).toEpochMilli();
            } catch (java.time.format.DateTimeParseException e2) {
                throw ApiException.badRequest(name, "'" + name + "' must be an ISO-8601 time such as 2026-01-31T12:00:00Z, not '" + v + "'");
            }
        }
    }

    /** A page of items with the total, as every list endpoint answers. */
    static Map<String, Object> page(List<?> items, long total, int limit, int offset) {
        return Map.of("items", items, "total", total, "limit", limit, "offset", offset);
    }
}
