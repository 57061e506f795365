package io.trailboss.json;

import java.util.List;
import java.util.Map;

/**
 * What text and numbers given to Trailboss may hold so that they can be stored and read back unchanged on
 * H2 and PostgreSQL alike: no NUL character (PostgreSQL's text cannot hold one), no lone surrogate (it has no
 * UTF-8 form, so it would come back as '?'), and numbers that are finite (JSON has no NaN or Infinity).
 */
public final class PlainText {
    private PlainText() {}

    /** Why {@code s} cannot be stored as it is, or null when it can. */
    public static String problem(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == 0) return "holds a NUL character (U+0000) at index " + i + ", which cannot be stored";
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "holds a lone surrogate (U+" + hex(c) + ") at index " + i + ", which is not a character and cannot be stored";
            }
            if (Character.isLowSurrogate(c)) {
                return "holds a lone surrogate (U+" + hex(c) + ") at index " + i + ", which is not a character and cannot be stored";
            }
        }
        return null;
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    /** A value of plain data that cannot be stored as it is: where it is ({@code a.b[2]}, empty at the top) and why. */
    public record Flaw(String path, String message) {
        /** The message with the field it is about, for an error answer. */
        public String describe() {
            return path.isEmpty() ? "the value " + message : "field '" + path + "' " + message;
        }
    }

    /** The first string (key or value) or number inside plain data that cannot be stored as it is, or null. */
    public static Flaw flaw(Object value) {
        return flaw(value, "");
    }

    private static Flaw flaw(Object value, String path) {
        switch (value) {
            case String s -> {
                String p = problem(s);
                return p == null ? null : new Flaw(path, p);
            }
            case Double d when d.isNaN() || d.isInfinite() -> {
                return new Flaw(path, "is " + d + ", not a finite number; JSON cannot hold it");
            }
            case Float f when f.isNaN() || f.isInfinite() -> {
                return new Flaw(path, "is " + f + ", not a finite number; JSON cannot hold it");
            }
            case Map<?, ?> m -> {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    String child = path.isEmpty() ? key : path + "." + key;
                    String p = problem(key);
                    if (p != null) return new Flaw(child, "(its name) " + p);
                    Flaw f = flaw(e.getValue(), child);
                    if (f != null) return f;
                }
                return null;
            }
            case List<?> l -> {
                for (int i = 0; i < l.size(); i++) {
                    Flaw f = flaw(l.get(i), path + "[" + i + "]");
                    if (f != null) return f;
                }
                return null;
            }
            case null, default -> {
                return null;
            }
        }
    }
}
