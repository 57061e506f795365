package io.trailboss.expr.yaql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * Python's str.format, which yaql 2.0's format() is: {@code {0}}, {@code {name}}, {@code {}} fields with
 * {@code [key]} lookups, {@code !s}/{@code !r} conversions and the format spec mini-language (fill, align,
 * sign, width, grouping, precision, type). Attribute lookups ({@code {0.attr}}) are refused: they would reach
 * into the implementation, not the data.
 */
final class PyFormat {
    private PyFormat() {}

    static String format(String fmt, List<Object> args, Map<String, Object> kwargs, Evaluation ev) {
        return new PyFormat.Run(args, kwargs, ev).render(fmt, 2);
    }

    private static final class Run {
        private final List<Object> args;
        private final Map<String, Object> kwargs;
        private final Evaluation ev;
        private int auto = 0;
        private boolean manual;

        Run(List<Object> args, Map<String, Object> kwargs, Evaluation ev) {
            this.args = args;
            this.kwargs = kwargs;
            this.ev = ev;
        }

        String render(String fmt, int depth) {
            if (depth < 0) throw YaqlException.valueError("Max string recursion exceeded");
            StringBuilder out = new StringBuilder();
            int i = 0;
            int n = fmt.length();
            while (i < n) {
                char c = fmt.charAt(i);
                if (c == '{') {
                    if (i + 1 < n && fmt.charAt(i + 1) == '{') {
                        out.append('{');
                        i += 2;
                        continue;
                    }
                    int level = 1;
                    int j = i + 1;
                    while (j < n && level > 0) {
                        char d = fmt.charAt(j);
                        if (d == '{') level++;
                        else if (d == '}') level--;
                        j++;
                    }
                    if (level > 0) throw YaqlException.valueError("expected '}' before end of string");
                    out.append(field(fmt.substring(i + 1, j - 1), depth));
                    i = j;
                } else if (c == '}') {
                    if (i + 1 < n && fmt.charAt(i + 1) == '}') {
                        out.append('}');
                        i += 2;
                        continue;
                    }
                    throw YaqlException.valueError("Single '}' encountered in format string");
                } else {
                    out.append(c);
                    i++;
                }
                ev.limitMemory(49L + out.length());
            }
            return out.toString();
        }

        private String field(String f, int depth) {
            int colon = -1;
            int bang = -1;
            int bracket = 0;
            for (int k = 0; k < f.length(); k++) {
                char c = f.charAt(k);
                if (c == '[') bracket++;
                else if (c == ']') bracket--;
                else if (bracket == 0 && c == '!' && bang < 0 && colon < 0) bang = k;
                else if (bracket == 0 && c == ':' && colon < 0) {
                    colon = k;
                    break;
                }
            }
            String name = f.substring(0, bang >= 0 ? bang : colon >= 0 ? colon : f.length());
            String conv = bang >= 0 ? f.substring(bang + 1, colon >= 0 ? colon : f.length()) : null;
            String spec = colon >= 0 ? render(f.substring(colon + 1), depth - 1) : "";
            Object value = lookup(name);
            if (conv != null) {
                value = switch (conv) {
                    case "s" -> Py.str(value);
                    case "r", "a" -> Py.repr(value);
                    default -> throw YaqlException.valueError("Unknown conversion specifier " + conv);
                };
            }
            return formatValue(value, spec, ev);
        }

        private Object lookup(String name) {
            int end = 0;
            while (end < name.length() && name.charAt(end) != '.' && name.charAt(end) != '[') end++;
            String first = name.substring(0, end);
            Object value;
            if (first.isEmpty()) {
                if (manual) throw YaqlException.valueError("cannot switch from manual field specification to automatic field numbering");
                value = positional(auto++);
            } else if (first.chars().allMatch(Character::isDigit)) {
                if (auto > 0) throw YaqlException.valueError("cannot switch from automatic field numbering to manual field specification");
                manual = true;
                value = positional(Integer.parseInt(first));
            } else {
                if (!kwargs.containsKey(first)) throw YaqlException.keyError(first);
                value = kwargs.get(first);
            }
            int i = end;
            while (i < name.length()) {
                char c = name.charAt(i);
                if (c == '.') {
                    throw new YaqlException("AttributeError", "format fields cannot read attributes ('" + name + "'); use [key]");
                }
                int close = name.indexOf(']', i);
                if (close < 0) throw YaqlException.valueError("Missing ']' in format string");
                String key = name.substring(i + 1, close);
                Object k = key.chars().allMatch(Character::isDigit) && !key.isEmpty() ? (Object) Long.parseLong(key) : key;
                value = switch (value) {
                    case PyDict d -> d.item(k);
                    case PySeq s -> {
                        if (!(k instanceof Long idx)) throw YaqlException.typeError("tuple indices must be integers or slices, not str");
                        if (idx >= s.size()) throw YaqlException.indexError("tuple index out of range");
                        yield s.get((int) (long) idx);
                    }
                    case String s -> {
                        if (!(k instanceof Long idx)) throw YaqlException.typeError("string indices must be integers");
                        if (idx >= PyStr.length(s)) throw YaqlException.indexError("string index out of range");
                        yield PyStr.slice(s, idx, idx + 1);
                    }
                    default -> throw YaqlException.typeError("'" + Py.typeName(value) + "' object is not subscriptable");
                };
                i = close + 1;
            }
            return value;
        }

        private Object positional(int i) {
            if (i >= args.size()) throw YaqlException.indexError("Replacement index " + i + " out of range for positional args tuple");
            return args.get(i);
        }
    }

    /** Python's format(value, spec). */
    static String formatValue(Object value, String spec, Evaluation ev) {
        if (spec.isEmpty()) return Py.str(value);
        Spec s = Spec.parse(spec);
        // the padding is built before anything could measure it
        ev.limitMemory(49L + s.width);
        if (s.precision > 0) ev.limitMemory(49L + s.precision);
        return switch (value) {
            case String str -> {
                if (s.sign != 0) throw YaqlException.valueError("Sign not allowed in string format specifier");
                if (s.alternate) throw YaqlException.valueError("Alternate form (#) not allowed in string format specifier");
                if (s.type != 0 && s.type != 's') throw YaqlException.valueError("Unknown format code '" + s.type + "' for object of type 'str'");
                String body = s.precision >= 0 ? PyStr.slice(str, 0, s.precision) : str;
                yield s.pad(body, '<', "");
            }
            case Boolean b when s.type == 0 -> s.pad(b ? "True" : "False", '<', "");
            case Long l -> integer(BigInteger.valueOf(l), s);
            case BigInteger b -> integer(b, s);
            case Boolean b -> integer(b ? BigInteger.ONE : BigInteger.ZERO, s);
            case Double d -> floating(d, s);
            default -> throw YaqlException.typeError("unsupported format string passed to " + Py.typeName(value) + ".__format__");
        };
    }

    private static String integer(BigInteger v, Spec s) {
        char t = s.type == 0 ? 'd' : s.type;
        if ("eEfFgG%".indexOf(t) >= 0) return floating(v.doubleValue(), s);
        if (s.precision >= 0) throw YaqlException.valueError("Precision not allowed in integer format specifier");
        String digits;
        String prefix = "";
        BigInteger abs = v.abs();
        switch (t) {
            case 'd', 'n' -> digits = group(abs.toString(), s.grouping, 3);
            case 'b' -> {
                digits = group(abs.toString(2), s.grouping, 4);
                if (s.alternate) prefix = "0b";
            }
            case 'o' -> {
                digits = group(abs.toString(8), s.grouping, 4);
                if (s.alternate) prefix = "0o";
            }
            case 'x', 'X' -> {
                digits = group(abs.toString(16), s.grouping, 4);
                if (t == 'X') digits = digits.toUpperCase(java.util.Locale.ROOT);
                if (s.alternate) prefix = t == 'X' ? "0X" : "0x";
            }
            case 'c' -> {
                if (s.sign != 0) throw YaqlException.valueError("Sign not allowed with integer format specifier 'c'");
                return s.pad(new String(Character.toChars(v.intValueExact())), '<', "");
            }
            default -> throw YaqlException.valueError("Unknown format code '" + t + "' for object of type 'int'");
        }
        return s.pad(digits, '>', sign(v.signum() < 0, s) + prefix);
    }

    private static String sign(boolean negative, Spec s) {
        if (negative) return "-";
        return s.sign == '+' ? "+" : s.sign == ' ' ? " " : "";
    }

    private static String floating(double d, Spec s) {
        char t = s.type;
        boolean negative = d < 0 || (d == 0 && 1 / d < 0);
        double a = Math.abs(d);
        String body;
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            body = Double.isNaN(d) ? "nan" : "inf";
            if (t == 'E' || t == 'F' || t == 'G') body = body.toUpperCase(java.util.Locale.ROOT);
            if (t == '%') body += "%";
            return s.pad(body, '>', sign(negative && !Double.isNaN(d), s));
        }
        int p = s.precision;
        switch (t) {
            case 'f', 'F', '%' -> {
                double x = t == '%' ? a * 100 : a;
                body = fixed(x, p < 0 ? 6 : p, s.alternate);
                if (t == '%') body += "%";
            }
            case 'e', 'E' -> body = exponent(a, p < 0 ? 6 : p, s.alternate, t == 'E');
            case 'g', 'G', 'n' -> body = general(a, p < 0 ? 6 : p == 0 ? 1 : p, s.alternate, t == 'G', false);
            case 0 -> body = p < 0 ? Py.floatRepr(a) : general(a, p == 0 ? 1 : p, s.alternate, false, true);
            default -> throw YaqlException.valueError("Unknown format code '" + t + "' for object of type 'float'");
        }
        if (s.grouping != 0) {
            int dot = body.indexOf('.');
            int end = dot >= 0 ? dot : body.indexOf('e') >= 0 ? body.indexOf('e') : body.length();
            if (body.chars().limit(end).allMatch(Character::isDigit)) body = group(body.substring(0, end), s.grouping, 3) + body.substring(end);
        }
        return s.pad(body, '>', sign(negative, s));
    }

    private static String fixed(double x, int p, boolean alternate) {
        String r = new BigDecimal(x).setScale(p, RoundingMode.HALF_EVEN).toPlainString();
        if (p == 0 && alternate) r += ".";
        return r;
    }

    private static String exponent(double x, int p, boolean alternate, boolean upper) {
        BigDecimal bd = x == 0 ? BigDecimal.ZERO.setScale(p) : new BigDecimal(x).round(new MathContext(p + 1, RoundingMode.HALF_EVEN));
        int exp = x == 0 ? 0 : bd.precision() - bd.scale() - 1;
        String digits = bd.unscaledValue().toString();
        while (digits.length() < p + 1) digits += "0";
        StringBuilder b = new StringBuilder().append(digits.charAt(0));
        if (p > 0 || alternate) b.append('.');
        b.append(digits, 1, p + 1);
        b.append(upper ? 'E' : 'e').append(exp < 0 ? '-' : '+');
        String e = Integer.toString(Math.abs(exp));
        if (e.length() < 2) b.append('0');
        return b.append(e).toString();
    }

    private static String general(double x, int p, boolean alternate, boolean upper, boolean keepPoint) {
        int exp;
        if (x == 0) exp = 0;
        else {
            BigDecimal bd = new BigDecimal(x).round(new MathContext(p, RoundingMode.HALF_EVEN));
            exp = bd.precision() - bd.scale() - 1;
        }
        String r;
        if (exp < -4 || exp >= p) {
            r = exponent(x, p - 1, alternate, upper);
            if (!alternate) {
                int e = r.indexOf(upper ? 'E' : 'e');
                String mant = r.substring(0, e);
                if (mant.contains(".")) mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
                r = mant + r.substring(e);
            }
        } else {
            r = fixed(x, Math.max(0, p - 1 - exp), alternate);
            if (!alternate && r.contains(".")) r = r.replaceAll("0+$", "").replaceAll("\\.$", "");
            if (keepPoint && !r.contains(".")) r += ".0";
        }
        return r;
    }

    private static String group(String digits, char sep, int every) {
        if (sep == 0) return digits;
        StringBuilder b = new StringBuilder();
        int first = digits.length() % every;
        if (first > 0) b.append(digits, 0, first);
        for (int i = first; i < digits.length(); i += every) {
            if (b.length() > 0) b.append(sep);
            b.append(digits, i, i + every);
        }
        return b.toString();
    }

    /** [[fill]align][sign][#][0][width][grouping][.precision][type] */
    private record Spec(char fill, char align, char sign, boolean alternate, int width, char grouping, int precision, char type) {
        static Spec parse(String spec) {
            int i = 0;
            int n = spec.length();
            char fill = ' ';
            char align = 0;
            if (n >= 2 && "<>=^".indexOf(spec.charAt(1)) >= 0) {
                fill = spec.charAt(0);
                align = spec.charAt(1);
                i = 2;
            } else if (n >= 1 && "<>=^".indexOf(spec.charAt(0)) >= 0) {
                align = spec.charAt(0);
                i = 1;
            }
            char sign = 0;
            if (i < n && "+- ".indexOf(spec.charAt(i)) >= 0) sign = spec.charAt(i++);
            boolean alternate = false;
            if (i < n && spec.charAt(i) == '#') {
                alternate = true;
                i++;
            }
            if (i < n && spec.charAt(i) == '0') {
                if (align == 0) {
                    fill = '0';
                    align = '=';
                }
                i++;
            }
            int width = 0;
            while (i < n && Character.isDigit(spec.charAt(i))) width = digit(width, spec.charAt(i++));
            char grouping = 0;
            if (i < n && (spec.charAt(i) == ',' || spec.charAt(i) == '_')) grouping = spec.charAt(i++);
            int precision = -1;
            if (i < n && spec.charAt(i) == '.') {
                i++;
                int start = i;
                precision = 0;
                while (i < n && Character.isDigit(spec.charAt(i))) precision = digit(precision, spec.charAt(i++));
                if (i == start) throw YaqlException.valueError("Format specifier missing precision");
            }
            char type = 0;
            if (i < n) type = spec.charAt(i++);
            if (i < n) throw YaqlException.valueError("Invalid format specifier");
            return new Spec(fill, align, sign, alternate, width, grouping, precision, type);
        }

        private static int digit(int value, char c) {
            long v = value * 10L + (c - '0');
            if (v > Integer.MAX_VALUE) throw YaqlException.valueError("Too many decimal digits in format string");
            return (int) v;
        }

        String pad(String body, char defaultAlign, String signPrefix) {
            char a = align == 0 ? defaultAlign : align;
            int len = PyStr.length(body) + PyStr.length(signPrefix);
            if (len >= width) return signPrefix + body;
            String padding = String.valueOf(fill).repeat(width - len);
            return switch (a) {
                case '<' -> signPrefix + body + padding;
                case '^' -> {
                    int left = (width - len) / 2;
                    yield String.valueOf(fill).repeat(left) + signPrefix + body + String.valueOf(fill).repeat(width - len - left);
                }
                case '=' -> signPrefix + padding + body;
                default -> padding + signPrefix + body;
            };
        }
    }
}
