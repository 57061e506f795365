package io.trailboss.expr.yaql;

import io.trailboss.expr.yaql.Lexer.Token;
import io.trailboss.expr.yaql.Lexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * YAQL's grammar as precedence climbing over yaql's operator table, loosest last:
 * <pre>
 *  1  .  ?.                 left      (x.f() is a method call, x.name a key or property)
 *  2  x[...]                left      (indexer)
 *  3  unary + -             prefix
 *  4  =~ !~                 left
 *  5  * / mod               left
 *  6  + -                   left
 *  7  &gt; &lt; &gt;= &lt;= != = in    left
 *  8  not                   prefix
 *  9  and                   left
 * 10  or                    left
 * 11  -&gt;                    right
 * </pre>
 * A value followed by {@code (args)} is a call of that value ({@code #call}), tighter than everything, as yaql
 * parses it when delegates are allowed. Argument lists take positional arguments (a skipped one is empty:
 * {@code f(,1)}), then {@code name => value} pairs; the last argument cannot be empty.
 */
final class Parser {
    /** Deeper nesting than this is refused: evaluation recurses as deep as the expression nests. */
    static final int MAX_DEPTH = 200;
    private static final int LOOSEST = 11;
    private static final Map<String, Integer> BINARY = Map.ofEntries(
            Map.entry(".", 1), Map.entry("?.", 1),
            Map.entry("=~", 4), Map.entry("!~", 4),
            Map.entry("*", 5), Map.entry("/", 5), Map.entry("mod", 5),
            Map.entry("+", 6), Map.entry("-", 6),
            Map.entry(">", 7), Map.entry("<", 7), Map.entry(">=", 7), Map.entry("<=", 7), Map.entry("!=", 7), Map.entry("=", 7), Map.entry("in", 7),
            Map.entry("and", 9), Map.entry("or", 10), Map.entry("->", 11));
    private static final Map<String, Integer> PREFIX = Map.of("+", 3, "-", 3, "not", 8);
    private static final int INDEXER = 2;

    private final String text;
    private final List<Token> tokens;
    private int at;
    private int depth;

    private Parser(String text) {
        this.text = text;
        this.tokens = Lexer.tokens(text);
    }

    static Expr parse(String text) {
        Parser p = new Parser(text);
        Expr e = p.value(LOOSEST);
        if (!p.peek().is(Type.END)) throw p.unexpected(p.peek());
        return e;
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token take() {
        return tokens.get(at++);
    }

    private YaqlSyntaxException unexpected(Token t) {
        if (t.is(Type.END)) return new YaqlSyntaxException("YaqlGrammarException", "unexpected end of expression", text.length());
        return new YaqlSyntaxException("YaqlGrammarException", "unexpected '" + t.text() + "' at position " + t.position(), t.position());
    }

    private void enter(Token t) {
        if (++depth > MAX_DEPTH) {
            throw new YaqlSyntaxException("YaqlGrammarException", "the expression nests deeper than " + MAX_DEPTH + " levels at position " + t.position(), t.position());
        }
    }

    /** A value whose operators are all at most as loose as {@code loosest}. */
    private Expr value(int loosest) {
        enter(peek());
        try {
            Expr left = prefix();
            while (true) {
                Token t = peek();
                if (t.is(Type.LPAREN)) {
                    take();
                    left = call("#call", prepend(left, args(Type.RPAREN)), true, t.position());
                } else if (t.is(Type.INDEXER) && INDEXER <= loosest) {
                    take();
                    left = call("#indexer", prepend(left, args(Type.RBRACKET)), false, t.position());
                } else if (t.is(Type.OP) && BINARY.containsKey(t.text()) && BINARY.get(t.text()) <= loosest) {
                    take();
                    int level = BINARY.get(t.text());
                    Expr right = value(t.text().equals("->") ? level : level - 1);
                    left = call(binaryName(t.text()), new Object[] {left, right}, false, t.position());
                } else {
                    return left;
                }
            }
        } finally {
            depth--;
        }
    }

    private static String binaryName(String op) {
        return switch (op) {
            case "=" -> "*equal";
            case "!=" -> "*not_equal";
            default -> "#operator_" + op;
        };
    }

    private Expr prefix() {
        Token t = take();
        return switch (t.type()) {
            case STRING, NUMBER, CONSTANT -> new Expr.Const(t.value(), false, t.position());
            case KEYWORD -> new Expr.Const(t.value(), true, t.position());
            case DOLLAR -> new Expr.Var(t.text(), t.position());
            case FUNC -> call((String) t.value(), args(Type.RPAREN), true, t.position());
            case INDEXER -> call("#list", args(Type.RBRACKET), false, t.position());
            case MAP -> call("#map", args(Type.RBRACE), false, t.position());
            case LPAREN -> {
                Expr inner = value(LOOSEST);
                expect(Type.RPAREN);
                yield new Expr.Wrap(inner);
            }
            case OP -> {
                Integer level = PREFIX.get(t.text());
                if (level == null) throw unexpected(t);
                enter(t);
                try {
                    yield call("#unary_operator_" + t.text(), new Object[] {value(level - 1)}, false, t.position());
                } finally {
                    depth--;
                }
            }
            default -> throw unexpected(t);
        };
    }

    private void expect(Type type) {
        Token t = take();
        if (!t.is(type)) throw unexpected(t);
    }

    private static Expr call(String name, Object[] args, boolean function, int position) {
        return new Expr.Call(name, args, function, position);
    }

    private static Object[] prepend(Expr first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /**
     * The arguments up to {@code close}: positional ones (an empty one is skipped and stands for
     * {@link Py#NO_VALUE}), then {@code key => value} pairs. As in yaql's grammar, the positional part may end
     * with one empty argument before pairs, and the list cannot end with an empty argument.
     */
    private Object[] args(Type close) {
        List<Object> out = new ArrayList<>();
        if (peek().is(close)) {
            take();
            return out.toArray();
        }
        boolean named = false;
        boolean lastEmpty = false;
        boolean anyValue = false;
        int emptiesAtEnd = 0;
        while (true) {
            Token t = peek();
            if (t.is(Type.COMMA) || t.is(close)) {
                // an empty argument
                if (named || t.is(close)) throw unexpected(t);
                out.add(Py.NO_VALUE);
                lastEmpty = true;
                emptiesAtEnd++;
            } else {
                Expr v = value(LOOSEST);
                Token m = peek();
                if (m.is(Type.MAPPING)) {
                    // pairs may follow a positional part that ends with a value, or with one empty argument after a value
                    if (!named && !out.isEmpty() && !(anyValue && emptiesAtEnd <= 1)) throw unexpected(m);
                    take();
                    Expr destination = value(LOOSEST);
                    out.add(new Expr.Pair(v, destination));
                    named = true;
                } else {
                    if (named) throw unexpected(m);
                    out.add(v);
                    anyValue = true;
                }
                lastEmpty = false;
                emptiesAtEnd = 0;
            }
            Token sep = take();
            if (sep.is(close)) {
                if (lastEmpty) throw unexpected(sep);
                return out.toArray();
            }
            if (!sep.is(Type.COMMA)) throw unexpected(sep);
        }
    }
}
