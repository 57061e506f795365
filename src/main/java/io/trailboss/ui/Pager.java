package io.trailboss.ui;

import java.util.Locale;

/**
 * Limit/offset paging. {@code total} is exact, or a lower bound when {@code capped}: counting past a
 * cap on a large table would cost more than the page, so the page says "10,000+".
 */
public record Pager(String base, int limit, int offset, long total, boolean capped, int shown) {

    public String range() {
        if (shown == 0) return offset == 0 ? "none" : "no more";
        return String.format(Locale.ROOT, "%,d–%,d of %,d%s", offset + 1, offset + shown, total, capped ? "+" : "");
    }

    public boolean hasPrev() {
        return offset > 0;
    }

    public boolean hasNext() {
        return offset + shown < total || (capped && shown == limit);
    }

    public String prev() {
        return link(Math.max(0, offset - limit));
    }

    public String next() {
        return link(offset + limit);
    }

    private String link(int o) {
        return base + (base.contains("?") ? "&" : "?") + "limit=" + limit + "&offset=" + o;
    }
}
