package io.trailboss.expr.yaql;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a YAQL expression into tokens with yaql's lexical rules: at each position the first rule that
 * matches wins, in yaql's order ({@code $name}, numbers, {@code name(}, bare names, quoted strings, then
 * operators longest first, then single characters). Numbers are {@code 12} or {@code 1.5} only (no
 * exponent), names are Unicode words that do not start with a digit or two underscores.
 */
final class Lexer {
    enum Type { DOLLAR, NUMBER, FUNC, KEYWORD, CONSTANT, STRING, OP, INDEXER, MAP, MAPPING, LPAREN, RPAREN, RBRACKET, RBRACE, COMMA, END }

    record Token(Type type, String text, Object value, int position) {
        boolean is(Type t) {
            return type == t;
        }

        boolean isOp(String symbol) {
            return type == Type.OP && text.equals(symbol);
        }
    }

    private static final int FLAGS = Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES;
    private static final Pattern DOLLAR = Pattern.compile("\\$\\w*", FLAGS);
    private static final Pattern NUMBER = Pattern.compile("\\b\\d+(\\.?\\d+)?\\b", FLAGS);
    private static final Pattern FUNC = Pattern.compile("\\b[^\\W\\d]\\w*\\(", FLAGS);
    private static final Pattern KEYWORD = Pattern.compile("(?!__)\\b[^\\W\\d]\\w*\\b", FLAGS);
    /** Operator symbols, longest first so that {@code =>} is not read as {@code =} then {@code >}. */
    private static final List<String> SYMBOLS = List.of("?.", "=~", "!~", "->", ">=", "<=", "!=", "=>", ".", "+", "-", "*", "/", ">", "<", "=", "[", "{");
    static final Set<String> WORD_OPERATORS = Set.of("mod", "in", "not", "and", "or");

    private final String text;
    private final Matcher dollar;
    private final Matcher number;
    private final Matcher func;
    private final Matcher keyword;

    private Lexer(String text) {
        this.text = text;
        dollar = matcher(DOLLAR);
        number = matcher(NUMBER);
        func = matcher(FUNC);
        keyword = matcher(KEYWORD);
    }

    private Matcher matcher(Pattern p) {
        return p.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
    }

    static List<Token> tokens(String text) {
        return new Lexer(text).all();
    }

    private List<Token> all() {
        List<Token> out = new ArrayList<>();
        int pos = 0;
        int n = text.length();
        while (true) {
            while (pos < n && " \t\r\n".indexOf(text.charAt(pos)) >= 0) pos++;
            if (pos >= n) {
                out.add(new Token(Type.END, "", null, n));
                return out;
            }
            Token t = next(pos);
            out.add(t);
            pos += t.text.length();
        }
    }

    private boolean at(Matcher m, int pos) {
        m.region(pos, text.length());
        return m.lookingAt();
    }

    private Token next(int pos) {
        if (at(dollar, pos)) return new Token(Type.DOLLAR, dollar.group(), dollar.group(), pos);
        if (at(number, pos)) {
            String s = number.group();
            Object value = s.contains(".") ? (Object) Double.parseDouble(digits(s)) : Py.normalize(new BigInteger(digits(s)));
            return new Token(Type.NUMBER, s, value, pos);
        }
        if (at(func, pos)) {
            String s = func.group();
            return new Token(Type.FUNC, s, s.substring(0, s.length() - 1), pos);
        }
        if (at(keyword, pos)) {
            String s = keyword.group();
            if (WORD_OPERATORS.contains(s)) return new Token(Type.OP, s, s, pos);
            return switch (s) {
                case "true" -> new Token(Type.CONSTANT, s, Boolean.TRUE, pos);
                case "false" -> new Token(Type.CONSTANT, s, Boolean.FALSE, pos);
                case "null" -> new Token(Type.CONSTANT, s, null, pos);
                default -> new Token(Type.KEYWORD, s, s, pos);
            };
        }
        char c = text.charAt(pos);
        if (c == '\'' || c == '"' || c == '`') {
            int end = quoted(pos, c);
            if (end > 0) {
                String raw = text.substring(pos + 1, end - 1);
                String value = c == '`' ? raw.replace("\\`", "`") : decodeEscapes(raw, pos);
                return new Token(Type.STRING, text.substring(pos, end), value, pos);
            }
        }
        for (String s : SYMBOLS) {
            if (text.startsWith(s, pos)) {
                return switch (s) {
                    case "[" -> new Token(Type.INDEXER, s, s, pos);
                    case "{" -> new Token(Type.MAP, s, s, pos);
                    case "=>" -> new Token(Type.MAPPING, s, s, pos);
                    default -> new Token(Type.OP, s, s, pos);
                };
            }
        }
        return switch (c) {
            case '(' -> new Token(Type.LPAREN, "(", "(", pos);
            case ')' -> new Token(Type.RPAREN, ")", ")", pos);
            case ']' -> new Token(Type.RBRACKET, "]", "]", pos);
            case '}' -> new Token(Type.RBRACE, "}", "}", pos);
            case ',' -> new Token(Type.COMMA, ",", ",", pos);
            default -> throw new YaqlSyntaxException("YaqlLexicalException",
                    "illegal character '" + new String(Character.toChars(text.codePointAt(pos))) + "' at position " + pos, pos);
        };
    }

    /** Python reads any Unicode decimal digit in a number. */
    private static String digits(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            b.append(cp == '.' ? '.' : (char) ('0' + Character.digit(cp, 10)));
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    /** The end (exclusive) of the quoted string starting at {@code pos}, or -1 when it is not closed. */
    private int quoted(int pos, char quote) {
        int i = pos + 1;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == quote) return i + 1;
            if (c == '\\') {
                // a backslash escapes any one character but a line break (a '.' of the rule)
                if (i + 1 >= n || text.charAt(i + 1) == '\n') return -1;
                i += 2;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** Python's escapes: \\xhh, \\uhhhh, \\Uhhhhhhhh, octal, \\N{name}, \\n and friends; any other backslash stays. */
    static String decodeEscapes(String s, int position) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= n) {
                b.append(c);
                i++;
                continue;
            }
            char e = s.charAt(i + 1);
            switch (e) {
                case 'U', 'u', 'x' -> {
                    int len = e == 'U' ? 8 : e == 'u' ? 4 : 2;
                    if (i + 2 + len > n) {
                        b.append(c);
                        i++;
                        continue;
                    }
                    String hex = s.substring(i + 2, i + 2 + len);
                    int cp;
                    try {
                        cp = Integer.parseUnsignedInt(hex, 16);
                        if (!hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0) || !Character.isValidCodePoint(cp)) throw new NumberFormatException();
                    } catch (NumberFormatException bad) {
                        throw new YaqlSyntaxException("YaqlLexicalException", "invalid escape \\" + e + hex + " in the string at position " + position, position);
                    }
                    b.appendCodePoint(cp);
                    i += 2 + len;
                }
                case 'N' -> {
                    int close = s.indexOf('}', i + 2);
                    if (i + 2 < n && s.charAt(i + 2) == '{' && close > i + 3) {
                        String name = s.substring(i + 3, close);
                        int cp;
                        try {
                            cp = Character.codePointOf(name);
                        } catch (IllegalArgumentException unknown) {
                            throw new YaqlSyntaxException("YaqlLexicalException", "unknown Unicode character name '" + name + "' in the string at position " + position, position);
                        }
                        b.appendCodePoint(cp);
                        i = close + 1;
                    } else {
                        b.append(c);
                        i++;
                    }
                }
                case '\\' -> { b.append('\\'); i += 2; }
                case '\'' -> { b.append('\''); i += 2; }
                case '"' -> { b.append('"'); i += 2; }
                case 'a' -> { b.append('\u0007'); i += 2; }
                case 'b' -> { b.append('\b'); i += 2; }
                case 'f' -> { b.append('\f'); i += 2; }
                case 'n' -> { b.append('\n'); i += 2; }
                case 'r' -> { b.append('\r'); i += 2; }
                case 't' -> { b.append('\t'); i += 2; }
                case 'v' -> { b.append('\u000b'); i += 2; }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int j = i + 1;
                        int v = 0;
                        while (j < n && j < i + 4 && s.charAt(j) >= '0' && s.charAt(j) <= '7') v = v * 8 + (s.charAt(j++) - '0');
                        b.appendCodePoint(v);
                        i = j;
                    } else {
                        b.append(c);
                        i++;
                    }
                }
            }
        }
        return b.toString();
    }
}
