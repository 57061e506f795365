package io.trailboss.expr.yaql;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's str methods on Java strings. Python indexes by code point, Java by UTF-16 unit: the two agree
 * unless a string holds characters beyond the BMP, and then these functions count code points.
 */
final class PyStr {
    private PyStr() {}

    static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
    }

    static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    private static boolean bmp(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isSurrogate(s.charAt(i))) return false;
        return true;
    }

    /** The UTF-16 offset of code point index {@code cp} (which lies within 0..length). */
    static int offset(String s, int cp) {
        return bmp(s) ? cp : s.offsetByCodePoints(0, cp);
    }

    /** The code point index of UTF-16 offset {@code off}. */
    static int index(String s, int off) {
        return bmp(s) ? off : s.codePointCount(0, off);
    }

    /** s[from:to] with Python's slice rules, in code points. */
    static String slice(String s, long from, long to) {
        int n = length(s);
        int[] r = Py.sliceBounds((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, from)),
                (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, to)), n);
        if (r[1] <= r[0]) return "";
        return s.substring(offset(s, r[0]), offset(s, r[1]));
    }

    /** str.find(sub, start, end) / rfind; -1 when absent. Indices may be negative, as Python's. */
    static long find(String s, String sub, long start, long end, boolean last) {
        int n = length(s);
        int[] r = Py.sliceBounds(clamp(start), clamp(end), n);
        if (r[1] - r[0] < length(sub)) return -1;
        String window = s.substring(offset(s, r[0]), offset(s, r[1]));
        int at = last ? window.lastIndexOf(sub) : window.indexOf(sub);
        return at < 0 ? -1 : r[0] + index(window, at);
    }

    private static int clamp(long v) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        int[] cps = s.codePoints().toArray();
        int from = 0;
        int to = cps.length;
        if (left) while (from < to && stripped(cps[from], chars)) from++;
        if (right) while (to > from && stripped(cps[to - 1], chars)) to--;
        return new String(cps, from, to - from);
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? isSpace(cp) : chars.indexOf(Character.toString(cp)) >= 0;
    }

    /** str.split(sep, maxsplit) (right: rsplit); a null separator splits on runs of whitespace. */
    static List<Object> split(String s, String sep, long maxSplit, boolean right) {
        if (sep != null && sep.isEmpty()) throw YaqlException.valueError("empty separator");
        long max = maxSplit < 0 ? Long.MAX_VALUE : maxSplit;
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int[] cps = s.codePoints().toArray();
            if (!right) {
                int i = 0;
                int n = cps.length;
                while (true) {
                    while (i < n && isSpace(cps[i])) i++;
                    if (i >= n) break;
                    if (out.size() >= max) {
                        out.add(new String(cps, i, n - i));
                        break;
                    }
                    int j = i;
                    while (j < n && !isSpace(cps[j])) j++;
                    out.add(new String(cps, i, j - i));
                    i = j;
                }
            } else {
                int i = cps.length;
                while (true) {
                    while (i > 0 && isSpace(cps[i - 1])) i--;
                    if (i <= 0) break;
                    if (out.size() >= max) {
                        out.add(new String(cps, 0, i));
                        break;
                    }
                    int j = i;
                    while (j > 0 && !isSpace(cps[j - 1])) j--;
                    out.add(new String(cps, j, i - j));
                    i = j;
                }
                java.util.Collections.reverse(out);
            }
            return out;
        }
        if (!right) {
            int from = 0;
            while (out.size() < max) {
                int at = s.indexOf(sep, from);
                if (at < 0) break;
                out.add(s.substring(from, at));
                from = at + sep.length();
            }
            out.add(s.substring(from));
        } else {
            int to = s.length();
            while (out.size() < max) {
                int at = s.lastIndexOf(sep, to - sep.length());
                if (at < 0) break;
                out.add(s.substring(at + sep.length(), to));
                to = at;
            }
            out.add(s.substring(0, to));
            java.util.Collections.reverse(out);
        }
        return out;
    }

    /** The length str.replace would give, so that its size can be checked before it is built. */
    static long replacedLength(String s, String old, String rep, long count) {
        long max = count < 0 ? Long.MAX_VALUE : count;
        long n;
        if (old.isEmpty()) {
            n = Math.min(max, (long) length(s) + 1);
        } else {
            n = 0;
            for (int from = s.indexOf(old); from >= 0 && n < max; from = s.indexOf(old, from + old.length())) n++;
        }
        return s.length() + n * (rep.length() - old.length());
    }

    /** str.replace(old, new, count): count below zero replaces all; an empty old inserts between characters. */
    static String replace(String s, String old, String rep, long count) {
        long max = count < 0 ? Long.MAX_VALUE : count;
        if (max == 0) return s;
        StringBuilder b = new StringBuilder();
        if (old.isEmpty()) {
            long done = 0;
            int i = 0;
            while (i <= s.length()) {
                if (done < max) {
                    b.append(rep);
                    done++;
                }
                if (i == s.length()) break;
                int cp = s.codePointAt(i);
                b.appendCodePoint(cp);
                i += Character.charCount(cp);
            }
            return b.toString();
        }
        int from = 0;
        long done = 0;
        while (done < max) {
            int at = s.indexOf(old, from);
            if (at < 0) break;
            b.append(s, from, at).append(rep);
            from = at + old.length();
            done++;
        }
        return b.append(s.substring(from)).toString();
    }

    /** Python's int(str): whitespace around, a sign, digits with single underscores between them. */
    static Object parseInt(String text) {
        String s = strip(text, null, true, true);
        String t = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
        if (t.isEmpty() || t.startsWith("_") || t.endsWith("_") || t.contains("__")) throw badInt(text);
        if (t.length() > Py.MAX_INT_DIGITS && t.replace("_", "").length() > Py.MAX_INT_DIGITS) {
            throw YaqlException.valueError("Exceeds the limit (" + Py.MAX_INT_DIGITS + " digits) for integer string conversion");
        }
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '_') continue;
            int d = Character.digit(cp, 10);
            if (d < 0 || !Character.isDigit(cp)) throw badInt(text);
            digits.append((char) ('0' + d));
        }
        java.math.BigInteger v = new java.math.BigInteger(digits.toString());
        return Py.normalize(s.startsWith("-") ? v.negate() : v);
    }

    private static YaqlException badInt(String text) {
        return YaqlException.valueError("invalid literal for int() with base 10: " + Py.stringRepr(text));
    }

    /** Python's float(str). */
    static double parseFloat(String text) {
        String s = strip(text, null, true, true).replace("_", "");
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        double sign = lower.startsWith("-") ? -1 : 1;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) return sign * Double.POSITIVE_INFINITY;
        if (unsigned.equals("nan")) return Double.NaN;
        if (!unsigned.matches("(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
            throw YaqlException.valueError("could not convert string to float: " + Py.stringRepr(text));
        }
        return Double.parseDouble(lower);
    }
}
