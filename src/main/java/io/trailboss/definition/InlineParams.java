package io.trailboss.definition;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code std.echo output="x" n=1 flag=true expr={{ _.a }}}: a name, then key=value pairs.
 * Values are quoted strings, numbers, booleans, null, JSON-ish lists/maps or expressions; anything
 * else is taken as a plain string.
 */
final class InlineParams {
    private InlineParams() {}

    static ActionCall parse(String text) {
        String s = text.trim();
        int i = 0;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))) i++;
        String name = s.substring(0, i);
        Map<String, Object> params = new LinkedHashMap<>();
        while (i < s.length()) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= s.length()) break;
            int eq = s.indexOf('=', i);
            if (eq < 0) throw new IllegalArgumentException("expected key=value after '" + name + "' but found '" + s.substring(i) + "'");
            String key = s.substring(i, eq).trim();
            if (key.isEmpty() || !key.matches("[A-Za-z_][A-Za-z0-9_\\-]*")) {
                throw new IllegalArgumentException("bad parameter name '" + key + "' in '" + s + "'");
            }
            int start = eq + 1;
            int end = scanValue(s, start);
            params.put(key, literal(s.substring(start, end)));
            i = end;
        }
        return new ActionCall(name, params);
    }

    /** Finds where a value ends: at whitespace outside quotes, brackets and {{ }} / <% %>. */
    private static int scanValue(String s, int i) {
        int depth = 0;
        char quote = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '{' || c == '[' || c == '(' || (c == '<' && i + 1 < s.length() && s.charAt(i + 1) == '%')) {
                depth++;
            } else if (c == '}' || c == ']' || c == ')' || (c == '%' && i + 1 < s.length() && s.charAt(i + 1) == '>')) {
                depth--;
            } else if (Character.isWhitespace(c) && depth <= 0) {
                return i;
            }
            i++;
        }
        if (quote != 0) throw new IllegalArgumentException("unterminated quote in '" + s + "'");
        return i;
    }

    static Object literal(String raw) {
        String v = raw.trim();
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            String body = v.substring(1, v.length() - 1);
            return body.replace("\\" + v.charAt(0), String.valueOf(v.charAt(0))).replace("\\\\", "\\");
        }
        if (v.startsWith("{{") || v.startsWith("<%")) return v;
        switch (v) {
            case "true", "True" -> { return true; }
            case "false", "False" -> { return false; }
            case "null", "None" -> { return null; }
            default -> { }
        }
        if (v.matches("-?\\d{1,18}")) return Long.parseLong(v);
        if (v.matches("-?\\d+\\.\\d+([eE][-+]?\\d+)?")) return Double.parseDouble(v);
        if (v.startsWith("[") || v.startsWith("{")) {
            try {
                return io.trailboss.json.Json.read(v);
            } catch (IllegalArgumentException notJson) {
                return v;
            }
        }
        return v;
    }
}
