package io.trailboss.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.trailboss.auth.Principal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Rendering of the precompiled JTE templates and the small helpers every page handler shares. */
final class Ui {
    /** Templates are compiled to classes at build time (jte-maven-plugin); nothing is compiled at run time. */
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** Set by the authentication before-handler when somebody is signed in. */
    static final String PRINCIPAL = "tb.principal";
    /** The CSRF token of the session (null when the server has none). */
    static final String CSRF = "tb.csrf";

    private Ui() {}

    static String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        ENGINE.render(template, params, out);
        return out.toString();
    }

    static void page(Context ctx, String template, Map<String, Object> params) {
        ctx.contentType("text/html; charset=utf-8").result(render(template, params));
    }

    static Map<String, Object> params(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], pairs[i + 1]);
        return m;
    }

    /** True for requests htmx makes (they get a fragment; a plain browser request gets the whole page). */
    static boolean htmx(Context ctx) {
        return "true".equals(ctx.header("HX-Request"));
    }

    static Chrome chrome(Context ctx, String title, String section) {
        Object csrf = ctx.attribute(CSRF);
        return new Chrome(title, section, user(ctx.attribute(PRINCIPAL)), csrf == null ? "" : csrf.toString());
    }

    /** Who is signed in, for the header (a user or token; nobody on a server running open). */
    static String user(Object principal) {
        return principal instanceof Principal p && p.kind() != Principal.Kind.ANONYMOUS_OPEN ? p.name() : null;
    }

    /** Who acts, for the audit: as the API reads it (the principal; on a server running open, what the request says). */
    static String actor(Context ctx) {
        return ctx.attribute(PRINCIPAL) instanceof Principal p ? p.name() : "anonymous";
    }

    static String time(Long millis) {
        return millis == null ? "" : TIME.format(Instant.ofEpochMilli(millis));
    }

    static String duration(Long from, Long to) {
        if (from == null || to == null) return "";
        long ms = to - from;
        if (ms < 1000) return ms + " ms";
        long s = ms / 1000;
        if (s < 120) return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        return (s / 60) + " min " + (s % 60) + " s";
    }

    static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    /** CSS class of a state word, so that every page colours states alike. */
    static String stateClass(String state) {
        if (state == null) return "st";
        return "st st-" + state.toLowerCase(java.util.Locale.ROOT);
    }

    static int intParam(Context ctx, String name, int otherwise, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return otherwise;
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(v.trim())));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    static String q(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
