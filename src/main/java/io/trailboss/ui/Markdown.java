package io.trailboss.ui;

import java.util.Locale;
import java.util.Set;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.UrlSanitizer;

/**
 * Manual-step instructions are Markdown written by workflow authors. Raw HTML in them is escaped, and a link
 * or image may point only to http, https or mailto, or be relative: anything else (javascript:, data:,
 * vbscript:, file:, ...) becomes an empty link, so the rendered HTML holds only what Markdown makes.
 */
final class Markdown {
    private static final Set<String> SCHEMES = Set.of("http", "https", "mailto");
    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).urlSanitizer(new WebLinksOnly()).build();

    private Markdown() {}

    static String html(String markdown) {
        return RENDERER.render(PARSER.parse(markdown == null ? "" : markdown));
    }

    /** commonmark's own sanitizer lets data: through; this one lets only web and mail links through. */
    private static final class WebLinksOnly implements UrlSanitizer {
        @Override
        public String sanitizeLinkUrl(String url) {
            return allowed(url) ? url : "";
        }

        @Override
        public String sanitizeImageUrl(String url) {
            return allowed(url) ? url : "";
        }
    }

    /**
     * Whether a link target is relative or names an allowed scheme, read as a browser reads it: tabs and line
     * breaks anywhere, and leading spaces and control characters, do not count ({@code java\tscript:} is
     * {@code javascript:}).
     */
    static boolean allowed(String url) {
        if (url == null) return true;
        StringBuilder plain = new StringBuilder(url.length());
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '\t' || c == '\n' || c == '\r') continue;
            if (plain.isEmpty() && c <= ' ') continue;
            plain.append(c);
        }
        String u = plain.toString();
        for (int i = 0; i < u.length(); i++) {
            char c = u.charAt(i);
            if (c == ':') return SCHEMES.contains(u.substring(0, i).toLowerCase(Locale.ROOT));
            if (c == '/' || c == '?' || c == '#') return true; // a path, a query or a fragment before any scheme: relative
        }
        return true;
    }
}
