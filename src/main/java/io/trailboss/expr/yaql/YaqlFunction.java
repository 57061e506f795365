package io.trailboss.expr.yaql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A function an expression can call: its name, how it may be called ({@code f(x)} as a function, {@code x.f()}
 * as a method, or both), its parameters (positional in order, with defaults, then optionally the rest as
 * {@code *args} and named ones as {@code **kwargs}) and its body. Several functions may share a name; a call
 * picks the one whose parameters accept the arguments, as yaql's overload resolution does.
 *
 * <p>Built with {@link #function}, {@link #method} or {@link #extension}, then {@code param...} and
 * {@link Builder#body}. A body written outside this package reads its arguments as plain Java data
 * ({@link Args}); its result is plain data too.
 */
public final class YaqlFunction {
    /** The default of a parameter that has none. */
    static final Object NO_DEFAULT = new Object() {
        @Override
        public String toString() {
            return "<NoDefault>";
        }
    };

    enum Kind { POSITIONAL, KEYWORD_ONLY, VARARGS, VARKW }

    record Param(String name, Kind kind, int position, ParamType type, Object defaultValue) {
        boolean hasDefault() {
            return defaultValue != NO_DEFAULT;
        }
    }

    /** The code of a function, given the converted arguments. */
    interface Body {
        Object apply(Call call);
    }

    /** A body written against plain data. */
    public interface PlainBody {
        Object apply(Args args);
    }

    /** The arguments of a call as plain Java data: maps, lists, strings, numbers, booleans, null. */
    public interface Args {
        /** The positional or named parameter at this index of the declaration, as plain data. */
        Object get(int index);

        /** The rest of the positional arguments (after a {@code varargs} parameter), as plain data. */
        List<Object> rest();
    }

    final String name;
    final Param[] params;
    final boolean isFunction;
    final boolean isMethod;
    final boolean noKwargs;
    final Body body;
    final int positionalCount;
    final Param varargs;
    final Param varkw;
    /** Some parameter takes an unevaluated expression: calls need their own context for it. */
    final boolean anyLazy;
    final boolean hasKeywordOnly;

    private YaqlFunction(Builder b) {
        this.name = b.name;
        this.params = b.params.toArray(new Param[0]);
        this.isFunction = b.isFunction;
        this.isMethod = b.isMethod;
        this.noKwargs = b.noKwargs;
        this.body = b.body;
        int n = 0;
        Param va = null;
        Param vk = null;
        for (Param p : params) {
            if (p.kind == Kind.POSITIONAL) n++;
            else if (p.kind == Kind.VARARGS) va = p;
            else if (p.kind == Kind.VARKW) vk = p;
        }
        this.positionalCount = n;
        boolean lazy = false;
        for (Param p : params) lazy |= p.type.lazy();
        this.anyLazy = lazy;
        boolean kwOnly = false;
        for (Param p : params) kwOnly |= p.kind == Kind.KEYWORD_ONLY;
        this.hasKeywordOnly = kwOnly;
        this.varargs = va;
        this.varkw = vk;
        if (isMethod && (positionalCount == 0 && varargs == null || firstPositional().type.lazy())) {
            throw new IllegalArgumentException("function '" + name + "' cannot be called as a method: its first parameter must take a value");
        }
    }

    private Param firstPositional() {
        for (Param p : params) if (p.kind == Kind.POSITIONAL || p.kind == Kind.VARARGS) return p;
        throw new IllegalStateException();
    }

    /** A function called as {@code name(...)}. */
    public static Builder function(String name) {
        return new Builder(name, true, false);
    }

    /** A method called as {@code receiver.name(...)}; the receiver is its first parameter. */
    public static Builder method(String name) {
        return new Builder(name, false, true);
    }

    /** Callable both ways: {@code name(x, ...)} and {@code x.name(...)}. */
    public static Builder extension(String name) {
        return new Builder(name, true, true);
    }

    /** The same function under another name, or callable in other ways. */
    YaqlFunction renamed(String newName, boolean function, boolean method) {
        Builder b = new Builder(newName, function, method);
        b.params.addAll(List.of(params));
        b.noKwargs = noKwargs;
        b.body = body;
        return new YaqlFunction(b);
    }

    @Override
    public String toString() {
        return name + "(" + String.join(", ", java.util.Arrays.stream(params).map(Param::name).toList()) + ")";
    }

    public static final class Builder {
        private final String name;
        private final boolean isFunction;
        private final boolean isMethod;
        private final List<Param> params = new ArrayList<>();
        private boolean noKwargs;
        private Body body;
        private int positions;

        private Builder(String name, boolean isFunction, boolean isMethod) {
            this.name = name;
            this.isFunction = isFunction;
            this.isMethod = isMethod;
        }

        /** A required parameter that takes any value, null included. */
        public Builder param(String name) {
            return param(name, Types.ANY);
        }

        /** An optional parameter that takes any value. */
        public Builder optional(String name, Object plainDefault) {
            return param(name, Types.ANY, Input.convert(plainDefault));
        }

        /** A required string parameter (null refused). */
        public Builder string(String name) {
            return param(name, Types.STRING);
        }

        /** An optional string parameter, null allowed. */
        public Builder optionalString(String name, String dflt) {
            return param(name, Types.STRING_OR_NULL, dflt);
        }

        /** The rest of the positional arguments, any values. */
        public Builder rest(String name) {
            return varargs(name, Types.ANY);
        }

        Builder param(String name, ParamType type) {
            return param(name, type, NO_DEFAULT);
        }

        Builder param(String name, ParamType type, Object dflt) {
            params.add(new Param(name, Kind.POSITIONAL, positions++, type, dflt));
            return this;
        }

        Builder keywordOnly(String name, ParamType type, Object dflt) {
            params.add(new Param(name, Kind.KEYWORD_ONLY, -1, type, dflt));
            return this;
        }

        Builder varargs(String name, ParamType type) {
            params.add(new Param(name, Kind.VARARGS, positions, type, NO_DEFAULT));
            return this;
        }

        Builder varkw(String name, ParamType type) {
            params.add(new Param(name, Kind.VARKW, -1, type, NO_DEFAULT));
            return this;
        }

        /** Named arguments stay {@code key => value} rules (switch, dict). */
        Builder noKwargs() {
            this.noKwargs = true;
            return this;
        }

        YaqlFunction body(Body body) {
            this.body = body;
            return new YaqlFunction(this);
        }

        /** Finishes a function whose body reads and returns plain data. */
        public YaqlFunction plainBody(PlainBody plain) {
            this.body = call -> Input.convert(plain.apply(new Args() {
                @Override
                public Object get(int index) {
                    return Output.plain(call.arg(index), call.ev);
                }

                @Override
                public List<Object> rest() {
                    List<Object> out = new ArrayList<>();
                    for (Object o : call.rest()) out.add(Output.plain(o, call.ev));
                    return out;
                }
            }));
            return new YaqlFunction(this);
        }
    }

    Map<String, Param> byName() {
        Map<String, Param> m = new java.util.LinkedHashMap<>();
        for (Param p : params) m.put(p.name, p);
        return m;
    }
}
