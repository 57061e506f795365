package io.trailboss.expr.yaql;

import io.trailboss.expr.yaql.YaqlFunction.Kind;
import io.trailboss.expr.yaql.YaqlFunction.Param;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * yaql's function resolution. The overloads of a name are collected layer by layer from the context out. Each
 * is matched against the arguments as written (positional, skipped, named); all that match must agree on which
 * arguments they take unevaluated (lazy); the others are evaluated once; then, layer by layer, the overloads
 * whose parameter types accept the values are candidates: one wins, or the most specialised one (a str
 * parameter beats an iterable one), else the call is ambiguous.
 *
 * <p>The first step depends only on the overloads and the arguments as written (and on the receiver of a
 * method call, checked apart), so a call site keeps it as a {@link Plan} for as long as it finds the same
 * overloads.
 */
final class Runner {
    /** Stands for the receiver of a method call in a plan that call sites share. */
    private static final Expr RECEIVER = new Expr.Var("$receiver", -1);

    private Runner() {}

    /**
     * Plans of calls whose arguments are all values, by name, then by arity and kind of call (slot
     * {@code 2 * arity + (method ? 1 : 0)}); a slot is replaced whole (a benign race: any plan is a correct one).
     */
    private static final int MAX_SHARED_ARITY = 8;
    private static final java.util.concurrent.ConcurrentHashMap<String, Cached[]> VALUE_PLANS = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code sealedScope}: the sealed context the layers came from, with nothing between (else null). */
    private record Cached(YaqlContext sealedScope, List<List<YaqlFunction>> layers, Plan plan) {}

    /** A call with arguments that may be values (delegates, call(), lambdas of functions). */
    static Object call(String name, YaqlContext context, Object[] args, Map<String, Object> kwargs, Evaluation ev, Object receiver, YaqlContext dataContext) {
        ev.tick();
        ev.enter();
        try {
            boolean asMethod = receiver != Py.NO_VALUE;
            Object[] actual = asMethod ? prepend(receiver, args) : args;
            Plan plan;
            if (kwargs.isEmpty() && allValues(actual) && actual.length < MAX_SHARED_ARITY) {
                // every argument a value: the plan does not depend on them, only each call's checks do
                Cached[] slots = VALUE_PLANS.get(name);
                if (slots == null) slots = VALUE_PLANS.computeIfAbsent(name, k -> new Cached[2 * MAX_SHARED_ARITY]);
                int slot = 2 * actual.length + (asMethod ? 1 : 0);
                Cached cached = slots[slot];
                YaqlContext scope = context.functionScope();
                if (cached != null && scope != null && cached.sealedScope == scope) {
                    plan = cached.plan; // the same sealed functions as last time
                } else {
                    List<List<YaqlFunction>> layers = context.collect(name, asMethod);
                    if (layers.isEmpty()) throw notRegistered(name, receiver);
                    YaqlContext sealedScope = scope != null && scope.isSealed() ? scope : null;
                    if (cached != null && cached.layers == layers) {
                        plan = cached.plan;
                        if (cached.sealedScope != sealedScope) slots[slot] = new Cached(sealedScope, layers, plan);
                    } else {
                        Object[] placeholders = new Object[actual.length];
                        java.util.Arrays.fill(placeholders, RECEIVER);
                        plan = Plan.build(name, layers, placeholders, kwargs, dataContext, ev, asMethod, actual.length == 0 ? 0 : -1L >>> (64 - actual.length));
                        slots[slot] = new Cached(sealedScope, layers, plan);
                    }
                }
            } else {
                List<List<YaqlFunction>> layers = context.collect(name, asMethod);
                if (layers.isEmpty()) throw notRegistered(name, receiver);
                plan = Plan.build(name, layers, actual, kwargs, dataContext, ev, asMethod, 0);
            }
            return execute(plan, plan.unchecked == 0 ? plan.args.clone() : actual.clone(), receiver, dataContext, ev);
        } catch (StackOverflowError e) {
            throw new YaqlException("RecursionError", "maximum recursion depth exceeded");
        } finally {
            ev.exit();
        }
    }

    private static boolean allValues(Object[] args) {
        for (Object a : args) if (a instanceof Expr || a == Py.NO_VALUE) return false;
        return true;
    }

    /** A call written in the expression: its arguments are expressions, its plan cached on the node. */
    static Object callSite(Expr.Call site, Object receiver, YaqlContext context, Evaluation ev) {
        ev.tick();
        ev.enter();
        try {
            boolean asMethod = receiver != Py.NO_VALUE;
            YaqlContext scope = context.functionScope();
            Expr.Call.Cached cached = site.cached;
            Plan plan;
            if (cached != null && scope != null && cached.sealedScope() == scope && cached.asMethod() == asMethod) {
                // the same sealed functions as last time: the same overloads, no need to collect them
                plan = cached.plan();
            } else {
                List<List<YaqlFunction>> layers = context.collect(site.name, asMethod);
                if (layers.isEmpty()) throw notRegistered(site.name, receiver);
                YaqlContext sealedScope = scope != null && scope.isSealed() ? scope : null;
                if (cached != null && cached.layers() == layers && cached.asMethod() == asMethod) {
                    plan = cached.plan();
                    if (cached.sealedScope() != sealedScope) site.cached = new Expr.Call.Cached(sealedScope, layers, asMethod, plan);
                } else {
                    plan = Plan.build(site.name, layers, asMethod ? prepend(RECEIVER, site.args) : site.args, Map.of(), context, ev, asMethod, asMethod ? 1 : 0);
                    site.cached = new Expr.Call.Cached(sealedScope, layers, asMethod, plan);
                }
            }
            Object[] values = plan.args.clone();
            if (asMethod) values[0] = receiver;
            return execute(plan, values, receiver, context, ev);
        } catch (StackOverflowError e) {
            throw new YaqlException("RecursionError", "maximum recursion depth exceeded");
        } finally {
            ev.exit();
        }
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static String describe(Object receiver) {
        String s = Py.str(receiver);
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }

    private static YaqlException notRegistered(String name, Object receiver) {
        if (receiver != Py.NO_VALUE) return new YaqlException("NoMethodRegisteredException", "Unknown method \"" + name + "\" for receiver " + describe(receiver));
        return new YaqlException("NoFunctionRegisteredException", "Unknown function \"" + name + "\"");
    }

    private static YaqlException ambiguous(String name, Object receiver) {
        if (receiver == Py.NO_VALUE) return new YaqlException("AmbiguousFunctionException", "Ambiguous function \"" + name + "\"");
        return new YaqlException("AmbiguousMethodException", "Ambiguous method \"" + name + "\" for receiver " + describe(receiver));
    }

    private static YaqlException notFound(String name, Object receiver, Object[] args) {
        if (receiver == Py.NO_VALUE) return new YaqlException("NoMatchingFunctionException", "No function \"" + name + "\" matches supplied arguments" + types(args, 0));
        return new YaqlException("NoMatchingMethodException", "No method \"" + name + "\" for receiver " + describe(receiver) + " matches supplied arguments" + types(args, 1));
    }

    /** The types of the evaluated arguments, for the message. */
    private static String types(Object[] args, int from) {
        List<String> names = new ArrayList<>();
        for (int i = from; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Expr.Const c) a = c.value();
            else if (a instanceof Expr) return "";
            names.add(a == Py.NO_VALUE ? "(skipped)" : Py.typeName(a));
        }
        return names.isEmpty() ? "" : " (" + String.join(", ", names) + ")";
    }

    /** An overload that matches the arguments as written, with the parameter each one goes to. */
    private record Candidate(YaqlFunction function, Param[] positional, Map<String, Param> keyword, long lazyPositions, Set<String> lazyNames) {
        boolean sameLaziness(Candidate o) {
            return lazyPositions == o.lazyPositions && lazyNames.equals(o.lazyNames);
        }

        boolean lazy(int i) {
            return i < 64 && (lazyPositions & (1L << i)) != 0;
        }
    }

    /** The result of matching overloads against arguments as written: the candidates, level by level. */
    static final class Plan {
        final String name;
        final Object[] args;
        final Map<String, Object> kwargs;
        final List<Candidate[]> levels;
        /** The positions (a bit each) whose values every call checks: the plan was made without them. */
        final long unchecked;
        /** The overload that won for the last argument types seen here (a benign race). */
        volatile Winner winner;
        /** The candidates left for the last types seen at the unchecked positions (a benign race). */
        volatile Resolution resolution;

        Plan(String name, Object[] args, Map<String, Object> kwargs, List<Candidate[]> levels, long unchecked) {
            this.name = name;
            this.args = args;
            this.kwargs = kwargs;
            this.levels = levels;
            this.unchecked = unchecked;
        }

        static Plan build(String name, List<List<YaqlFunction>> layers, Object[] args, Map<String, Object> kwargs, YaqlContext context,
                Evaluation ev, boolean asMethod, long unchecked) {
            Boolean noKwargs = null;
            List<Candidate[]> levels = new ArrayList<>(layers.size());
            for (List<YaqlFunction> layer : layers) {
                List<Candidate> level = null;
                for (YaqlFunction f : layer) {
                    if (noKwargs == null) {
                        noKwargs = f.noKwargs;
                        if (!noKwargs) {
                            Object[][] holder = {args};
                            kwargs = translate(holder, kwargs);
                            args = holder[0];
                        } else if (!kwargs.isEmpty()) {
                            throw new YaqlException("ArgumentException", "Invalid argument " + kwargs.keySet().iterator().next());
                        }
                    } else if (noKwargs != f.noKwargs) {
                        throw new YaqlException(asMethod ? "AmbiguousMethodException" : "AmbiguousFunctionException",
                                "Ambiguous " + (asMethod ? "method" : "function") + " \"" + name + "\"");
                    }
                    Candidate c = mapArgs(f, args, kwargs, context, ev, unchecked);
                    if (c == null) continue;
                    if (level == null) level = new ArrayList<>(layer.size());
                    level.add(c);
                }
                if (level != null) levels.add(level.toArray(new Candidate[0]));
            }
            return new Plan(name, args, kwargs, levels, unchecked);
        }

        /**
         * The candidates whose parameters at the unchecked positions accept the values there, and the one that
         * says which arguments stay unevaluated (all must agree). Both depend on the plan and on the type codes at
         * the unchecked positions alone, so the last answer is kept for the next call with the same codes.
         */
        Resolution resolve(Object[] values, Object receiver, YaqlContext context, Evaluation ev) {
            long key = unchecked == 0 ? 0 : typeCodesAt(values, unchecked);
            Resolution known = resolution;
            if (known != null && key >= 0 && known.key == key) return known;
            List<Candidate[]> checkedLevels = unchecked == 0 ? levels : checked(levels, unchecked, values, context, ev);
            Candidate first = null;
            for (Candidate[] level : checkedLevels) {
                for (Candidate c : level) {
                    if (first == null) first = c;
                    else if (!first.sameLaziness(c)) throw ambiguous(name, receiver);
                }
            }
            if (first == null) throw notFound(name, receiver, values);
            Resolution r = new Resolution(key, checkedLevels, first);
            if (key >= 0) resolution = r;
            return r;
        }
    }

    /** What {@link Plan#resolve} found for values of these type codes at the unchecked positions. */
    private record Resolution(long key, List<Candidate[]> levels, Candidate first) {}

    /** The type codes of the values at the given positions as one number, or -1 when there are too many. */
    private static long typeCodesAt(Object[] values, long positions) {
        if (Long.bitCount(positions) > 9) return -1;
        long code = 0;
        for (int i = 0; i < values.length && i < 64; i++) {
            if ((positions & (1L << i)) != 0) code = (code << 6) | Py.typeCode(values[i]);
        }
        return code;
    }

    /** For arguments of these types ({@link Py#typeCode} of each), this overload wins. */
    private record Winner(long types, YaqlFunction function) {}

    /**
     * The argument types as one number, or -1 when there are too many arguments to say. Every parameter type's
     * check depends on the value's type code alone, so equal codes choose the same overload.
     */
    private static long typeCodes(Object[] values) {
        if (values.length > 9) return -1;
        long code = 0;
        for (Object v : values) code = (code << 6) | Py.typeCode(v);
        return code;
    }

    private static Object execute(Plan plan, Object[] values, Object receiver, YaqlContext context, Evaluation ev) {
        Resolution resolution = plan.resolve(values, receiver, context, ev);
        List<Candidate[]> levels = resolution.levels;
        Candidate first = resolution.first;

        for (int i = 0; i < values.length; i++) {
            if (!first.lazy(i) && values[i] instanceof Expr e && !(e instanceof Expr.Const)) values[i] = e.eval(Py.NO_VALUE, context, ev);
        }
        Map<String, Object> kwValues = plan.kwargs;
        if (!kwValues.isEmpty()) {
            kwValues = new LinkedHashMap<>(kwValues);
            for (Map.Entry<String, Object> e : kwValues.entrySet()) {
                if (!first.lazyNames.contains(e.getKey()) && e.getValue() instanceof Expr x && !(x instanceof Expr.Const)) e.setValue(x.eval(Py.NO_VALUE, context, ev));
            }
        }

        long types = kwValues.isEmpty() ? typeCodes(values) : -1;
        Winner known = plan.winner;
        if (types >= 0 && known != null && known.types == types) return counted(runKnown(known.function, values, receiver, context, ev), ev);
        Invocation winner = null;
        Candidate winnerCandidate = null;
        for (Candidate[] level : levels) {
            for (Candidate c : level) {
                Invocation d = bind(c.function, context, ev, values, kwValues);
                if (d == null) continue;
                if (winner != null) {
                    if (specializes(winnerCandidate, c)) continue;
                    if (!specializes(c, winnerCandidate)) throw ambiguous(plan.name, receiver);
                }
                winner = d;
                winnerCandidate = c;
            }
            if (winner != null) break;
        }
        if (winner == null) throw notFound(plan.name, receiver, values);
        YaqlFunction f = winner.function;
        if (types >= 0 && f.varargs == null && f.varkw == null && !f.hasKeywordOnly) plan.winner = new Winner(types, f);
        return counted(winner.run(receiver, context, ev), ev);
    }

    /** A call's result, counted against the memory quota and the evaluation's budget. */
    private static Object counted(Object result, Evaluation ev) {
        long size = PySize.of(result);
        ev.limitMemory(size);
        ev.account(size);
        return result;
    }

    /**
     * The overload that won before for arguments of the same types, called without binding them again: its
     * parameters are positional and their checks pass (a check depends on the type code alone). {@code args} is
     * this call's own array: when every parameter has its argument, it takes the converted values in place.
     */
    private static Object runKnown(YaqlFunction f, Object[] args, Object receiver, YaqlContext context, Evaluation ev) {
        Param[] params = f.params;
        YaqlContext own = f.anyLazy ? context.child() : null;
        Object[] converted = params.length == args.length ? args : new Object[params.length];
        for (int k = 0; k < params.length; k++) {
            Param p = params[k];
            int pos = p.position();
            Object v = pos < args.length && args[pos] != Py.NO_VALUE ? args[pos] : p.defaultValue();
            converted[k] = p.type().converted(v, receiver, own, ev);
        }
        return f.body.apply(new Call(own, context, ev, receiver, converted, List.of(), Map.of()));
    }

    /** The candidates of a shared plan whose parameters accept the values at the positions it left unchecked. */
    private static List<Candidate[]> checked(List<Candidate[]> levels, long unchecked, Object[] values, YaqlContext context, Evaluation ev) {
        List<Candidate[]> out = null;
        for (int l = 0; l < levels.size(); l++) {
            Candidate[] level = levels.get(l);
            int kept = 0;
            boolean[] keep = new boolean[level.length];
            for (int k = 0; k < level.length; k++) {
                keep[k] = accepts(level[k], unchecked, values, context, ev);
                if (keep[k]) kept++;
            }
            if (kept == level.length && out == null) continue;
            if (out == null) out = new ArrayList<>(levels.subList(0, l));
            if (kept == 0) continue;
            Candidate[] filtered = new Candidate[kept];
            int j = 0;
            for (int k = 0; k < level.length; k++) if (keep[k]) filtered[j++] = level[k];
            out.add(filtered);
        }
        return out == null ? levels : out;
    }

    private static boolean accepts(Candidate c, long unchecked, Object[] values, YaqlContext context, Evaluation ev) {
        for (int i = 0; i < values.length && i < 64; i++) {
            if ((unchecked & (1L << i)) != 0 && !c.positional[i].type().check(values[i], context, ev)) return false;
        }
        return true;
    }

    /** Named arguments out of the positional ones: {@code name => value} with a bare name on the left. */
    private static Map<String, Object> translate(Object[][] holder, Map<String, Object> kwargs) {
        Object[] args = holder[0];
        List<Object> positional = null;
        Map<String, Object> named = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Expr.Pair p) {
                if (positional == null) {
                    positional = new ArrayList<>(List.of(args).subList(0, i));
                    named = new LinkedHashMap<>();
                }
                if (!(p.source() instanceof Expr.Const c && c.keyword())) {
                    throw new YaqlException("MappingTranslationException", "Cannot convert mapping to keyword argument");
                }
                named.put((String) c.value(), p.destination());
            } else if (positional != null) {
                positional.add(args[i]);
            }
        }
        if (positional == null) return kwargs;
        for (Map.Entry<String, Object> e : kwargs.entrySet()) {
            if (named.containsKey(e.getKey())) throw new YaqlException("MappingTranslationException", "Cannot convert mapping to keyword argument");
            named.put(e.getKey(), e.getValue());
        }
        holder[0] = positional.toArray();
        return named;
    }

    /** yaql's map_args: which parameter each argument as written would go to, or null when none can. */
    private static Candidate mapArgs(YaqlFunction f, Object[] args, Map<String, Object> kwargsIn, YaqlContext context, Evaluation ev, long unchecked) {
        Map<String, Object> kwargs = kwargsIn.isEmpty() ? kwargsIn : new LinkedHashMap<>(kwargsIn);
        Param[] positional = new Param[args.length];
        if (f.varargs != null) java.util.Arrays.fill(positional, f.varargs);
        Map<String, Param> keyword = kwargs.isEmpty() ? Map.of() : new LinkedHashMap<>();
        for (Param p : f.params) {
            if (p.kind() == Kind.POSITIONAL) {
                int pos = p.position();
                if (pos < args.length && args[pos] != Py.NO_VALUE) {
                    if (kwargs.containsKey(p.name())) return null;
                    positional[pos] = p;
                } else if (kwargs.containsKey(p.name())) {
                    keyword.put(p.name(), p);
                    kwargs.remove(p.name());
                } else if (!p.hasDefault()) {
                    return null;
                } else if (pos < args.length) {
                    positional[pos] = p;
                }
            } else if (p.kind() == Kind.KEYWORD_ONLY) {
                if (kwargs.containsKey(p.name())) {
                    keyword.put(p.name(), p);
                    kwargs.remove(p.name());
                } else if (!p.hasDefault()) {
                    return null;
                }
            }
        }
        if (!kwargs.isEmpty()) {
            if (f.varkw == null) return null;
            for (String k : kwargs.keySet()) keyword.put(k, f.varkw);
        }
        long lazyPositions = 0;
        for (int i = 0; i < args.length; i++) {
            if (positional[i] == null) return null;
            // a shared plan leaves these to each call (checked)
            if (i < 64 && (unchecked & (1L << i)) != 0) continue;
            Object value = args[i] == Py.NO_VALUE ? positional[i].defaultValue() : args[i];
            if (!positional[i].type().check(value, context, ev)) return null;
        }
        for (Map.Entry<String, Object> e : kwargs.entrySet()) {
            if (!keyword.get(e.getKey()).type().check(e.getValue(), context, ev)) return null;
        }
        for (int i = 0; i < positional.length; i++) {
            if (positional[i].type().lazy()) {
                if (i >= 64) throw new YaqlException("ArgumentException", "too many arguments");
                lazyPositions |= 1L << i;
            }
        }
        Set<String> lazyNames = Set.of();
        for (Map.Entry<String, Param> e : keyword.entrySet()) {
            if (e.getValue().type().lazy()) {
                if (lazyNames.isEmpty()) lazyNames = new java.util.HashSet<>();
                lazyNames.add(e.getKey());
            }
        }
        return new Candidate(f, positional, keyword, lazyPositions, lazyNames);
    }

    /** yaql's get_delegate: binds the values to the parameters, checking each; null when one is refused. */
    private static Invocation bind(YaqlFunction f, YaqlContext context, Evaluation ev, Object[] args, Map<String, Object> kwargsIn) {
        if (kwargsIn.isEmpty() && f.varargs == null && f.varkw == null && !f.hasKeywordOnly) return bindPositional(f, context, ev, args);
        Map<String, Object> kwargs = kwargsIn.isEmpty() ? kwargsIn : new LinkedHashMap<>(kwargsIn);
        Object[] values = new Object[f.params.length];
        for (int k = 0; k < f.params.length; k++) {
            Param p = f.params[k];
            Object v;
            if (p.kind() == Kind.POSITIONAL) {
                int pos = p.position();
                if (pos < args.length && args[pos] != Py.NO_VALUE) {
                    if (kwargs.containsKey(p.name())) return null;
                    v = args[pos];
                } else if (kwargs.containsKey(p.name())) {
                    v = kwargs.remove(p.name());
                } else if (p.hasDefault()) {
                    v = p.defaultValue();
                } else {
                    return null;
                }
            } else if (p.kind() == Kind.KEYWORD_ONLY) {
                if (kwargs.containsKey(p.name())) v = kwargs.remove(p.name());
                else if (p.hasDefault()) v = p.defaultValue();
                else return null;
            } else {
                continue;
            }
            if (!p.type().check(v, context, ev)) return null;
            values[k] = v;
        }
        List<Object> rest = List.of();
        if (args.length > f.positionalCount) {
            if (f.varargs == null) return null;
            rest = new ArrayList<>(args.length - f.positionalCount);
            for (int i = f.positionalCount; i < args.length; i++) {
                if (!f.varargs.type().check(args[i], context, ev)) return null;
                rest.add(args[i]);
            }
        }
        Map<String, Object> restKw = Map.of();
        if (!kwargs.isEmpty()) {
            if (f.varkw == null) return null;
            restKw = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : kwargs.entrySet()) {
                if (!f.varkw.type().check(e.getValue(), context, ev)) return null;
                restKw.put(e.getKey(), e.getValue());
            }
        }
        return new Invocation(f, values, rest, restKw);
    }

    /** bind for the common case of positional parameters and arguments only: checks first, allocates after. */
    private static Invocation bindPositional(YaqlFunction f, YaqlContext context, Evaluation ev, Object[] args) {
        if (args.length > f.positionalCount) return null;
        Param[] params = f.params;
        for (Param p : params) {
            int pos = p.position();
            Object v;
            if (pos < args.length && args[pos] != Py.NO_VALUE) v = args[pos];
            else if (p.hasDefault()) v = p.defaultValue();
            else return null;
            if (!p.type().check(v, context, ev)) return null;
        }
        return positional(f, args);
    }

    /** The invocation of a function of positional parameters whose checks passed (or are known to pass). */
    private static Invocation positional(YaqlFunction f, Object[] args) {
        Param[] params = f.params;
        Object[] values = new Object[params.length];
        for (int k = 0; k < params.length; k++) {
            int pos = params[k].position();
            values[k] = pos < args.length && args[pos] != Py.NO_VALUE ? args[pos] : params[k].defaultValue();
        }
        return new Invocation(f, values, List.of(), Map.of());
    }

    /** yaql's _is_specialization_of: some parameter of the first is narrower and none wider. */
    private static boolean specializes(Candidate a, Candidate b) {
        boolean res = false;
        int n = Math.min(a.positional.length, b.positional.length);
        for (int i = 0; i < n; i++) {
            ParamType t1 = a.positional[i].type();
            ParamType t2 = b.positional[i].type();
            if (t2.isSpecializationOf(t1)) return false;
            if (t1.isSpecializationOf(t2)) res = true;
        }
        for (Map.Entry<String, Param> e : a.keyword.entrySet()) {
            Param other = b.keyword.get(e.getKey());
            if (other == null) continue;
            ParamType t1 = e.getValue().type();
            ParamType t2 = other.type();
            if (t2.isSpecializationOf(t1)) return false;
            if (t1.isSpecializationOf(t2)) res = true;
        }
        return res;
    }

    /**
     * A chosen overload with its checked arguments: converts them, then runs. The call gets its own child
     * context (lambdas it receives are evaluated in it), made only when something uses it.
     */
    private record Invocation(YaqlFunction function, Object[] values, List<Object> rest, Map<String, Object> restKw) {
        Object run(Object receiver, YaqlContext context, Evaluation ev) {
            Param[] params = function.params;
            YaqlContext own = function.anyLazy ? context.child() : null;
            Object[] converted = new Object[values.length];
            for (int k = 0; k < params.length; k++) {
                Param p = params[k];
                if (p.kind() == Kind.POSITIONAL || p.kind() == Kind.KEYWORD_ONLY) converted[k] = convert(values[k], p, receiver, own, ev);
            }
            List<Object> restConverted = rest;
            if (!rest.isEmpty()) {
                restConverted = new ArrayList<>(rest.size());
                for (Object o : rest) restConverted.add(convert(o, function.varargs, receiver, own, ev));
            }
            Map<String, Object> kwConverted = restKw;
            if (!restKw.isEmpty()) {
                kwConverted = new LinkedHashMap<>();
                for (Map.Entry<String, Object> e : restKw.entrySet()) kwConverted.put(e.getKey(), convert(e.getValue(), function.varkw, receiver, own, ev));
            }
            return function.body.apply(new Call(own, context, ev, receiver, converted, restConverted, kwConverted));
        }

        private static Object convert(Object value, Param p, Object receiver, YaqlContext own, Evaluation ev) {
            try {
                return p.type().convert(value, receiver, own, ev);
            } catch (ParamType.ArgumentError e) {
                throw new YaqlException("ArgumentException", "Invalid argument " + p.name());
            }
        }
    }
}
