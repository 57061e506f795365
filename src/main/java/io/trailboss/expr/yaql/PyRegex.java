package io.trailboss.expr.yaql;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A compiled regular expression in Python's syntax (yaql uses Python's re), translated to Java's: named groups
 * {@code (?P<name>...)}, {@code (?P=name)}, {@code \Z}, a literal {@code [} in a class and {@code {} that is no
 * quantifier, \\U escapes, and Unicode classes as Python 3 has them.
 */
record PyRegex(String source, int flags, Pattern pattern, List<String> groupNames) {
    static final int IGNORECASE = 2;
    static final int MULTILINE = 8;
    static final int DOTALL = 16;

    static PyRegex compile(String source, int flags) {
        List<String> names = new ArrayList<>();
        String java = translate(source, names);
        int f = Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES;
        if ((flags & IGNORECASE) != 0) f |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        if ((flags & MULTILINE) != 0) f |= Pattern.MULTILINE;
        if ((flags & DOTALL) != 0) f |= Pattern.DOTALL;
        try {
            return new PyRegex(source, flags, Pattern.compile(java, f), names);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new YaqlException("re.error", "invalid regular expression '" + source + "': " + e.getDescription());
        }
    }

    String flagNames() {
        List<String> out = new ArrayList<>();
        if ((flags & IGNORECASE) != 0) out.add("re.IGNORECASE");
        if ((flags & MULTILINE) != 0) out.add("re.MULTILINE");
        if ((flags & DOTALL) != 0) out.add("re.DOTALL");
        return String.join("|", out);
    }

    /** The number of capturing groups. */
    int groups() {
        return pattern.matcher("").groupCount();
    }

    private static String translate(String s, List<String> names) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        boolean inClass = false;
        int classStart = -1;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char e = s.charAt(i + 1);
                if (e == 'Z' && !inClass) {
                    b.append("\\z");
                    i += 2;
                } else if (e == 'U' && i + 10 <= n) {
                    b.append("\\x{").append(s, i + 2, i + 10).append('}');
                    i += 10;
                } else if (e >= '1' && e <= '9' && !inClass) {
                    // a back reference: Python reads at most two digits
                    int j = i + 2;
                    if (j < n && Character.isDigit(s.charAt(j))) j++;
                    b.append("\\").append(s, i + 1, j);
                    i = j;
                } else if (e == '0') {
                    int j = i + 2;
                    int v = 0;
                    while (j < n && j < i + 4 && s.charAt(j) >= '0' && s.charAt(j) <= '7') v = v * 8 + (s.charAt(j++) - '0');
                    b.append(String.format("\\x{%x}", v));
                    i = j;
                } else {
                    b.append(c).append(e);
                    i += 2;
                }
                continue;
            }
            if (inClass) {
                if (c == ']' && i > classStart) {
                    inClass = false;
                    b.append(c);
                } else if (c == '[' || (c == '&' && i + 1 < n && s.charAt(i + 1) == '&')) {
                    b.append('\\').append(c);
                } else {
                    b.append(c);
                }
                i++;
                continue;
            }
            if (c == '[') {
                inClass = true;
                b.append(c);
                i++;
                if (i < n && s.charAt(i) == '^') {
                    b.append('^');
                    i++;
                }
                // a ']' first in a class is a literal in Python
                if (i < n && s.charAt(i) == ']') {
                    b.append("\\]");
                    i++;
                }
                classStart = i;
                continue;
            }
            if (c == '(' && s.startsWith("(?P<", i)) {
                int close = s.indexOf('>', i);
                if (close > 0) {
                    names.add(s.substring(i + 4, close));
                    b.append("(?<g").append(names.size()).append("n>");
                    i = close + 1;
                    continue;
                }
            }
            if (c == '(' && s.startsWith("(?P=", i)) {
                int close = s.indexOf(')', i);
                if (close > 0) {
                    int idx = names.indexOf(s.substring(i + 4, close));
                    if (idx < 0) throw new YaqlException("re.error", "unknown group name '" + s.substring(i + 4, close) + "'");
                    b.append("\\k<g").append(idx + 1).append("n>");
                    i = close + 1;
                    continue;
                }
            }
            if (c == '{') {
                int close = s.indexOf('}', i);
                String body = close > 0 ? s.substring(i + 1, close) : null;
                if (body != null && body.matches("\\d*(,\\d*)?") && !body.isEmpty() && !body.equals(",")) {
                    b.append('{').append(body.startsWith(",") ? "0" + body : body).append('}');
                    i = close + 1;
                } else {
                    b.append("\\{");
                    i++;
                }
                continue;
            }
            if (c == '}') {
                b.append("\\}");
                i++;
                continue;
            }
            b.append(c);
            i++;
        }
        return b.toString();
    }

    /** Python's re.escape: every character that has a meaning in a pattern gets a backslash. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() * 2);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("()[]{}?*+-|^$\\.&~# \t\n\r\u000b\f".indexOf(c) >= 0) b.append('\\');
            b.append(c);
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
