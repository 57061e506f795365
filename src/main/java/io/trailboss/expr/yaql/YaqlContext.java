package io.trailboss.expr.yaql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where an expression finds its data ({@code $}, {@code $name}) and its functions. Contexts chain to a parent:
 * a name is looked up from the innermost context out, and function overloads are collected layer by layer
 * (an inner layer's match wins). The standard library is a shared, sealed pair of layers; each evaluation
 * works in its own child, so {@code let}, {@code def} and lambdas never change what another evaluation sees.
 *
 * <p>Extra functions (Mistral's {@code task()}, {@code env()} ...) are registered in a child:
 * {@code YaqlContext.standard(options).child().register(fn)}.
 */
public final class YaqlContext {
    private static final String[] POSITIONAL = new String[32];

    static {
        for (int i = 0; i < POSITIONAL.length; i++) POSITIONAL[i] = ("$" + i).intern();
    }

    private final YaqlContext parent;
    private final YaqlOptions options;
    // a context holds a few names (a lambda's $1, let's names): kept in two small arrays, searched in order
    private String[] keys;
    private Object[] values;
    private int size;
    private Map<String, List<YaqlFunction>> functions;
    private boolean sealed;
    /** For a sealed context: the layers of each name from here out, for function and for method calls. */
    private Map<String, List<List<YaqlFunction>>> sealedFunctions;
    private Map<String, List<List<YaqlFunction>>> sealedMethods;

    private YaqlContext(YaqlContext parent, YaqlOptions options) {
        this.parent = parent;
        this.options = options;
    }

    /** The standard library with these options (see {@link YaqlOptions#YAQL_TESTS} and {@link YaqlOptions#MISTRAL}). */
    public static YaqlContext standard(YaqlOptions options) {
        return new YaqlContext(StandardLibrary.layers(options.delegates()), options);
    }

    /** A context for evaluations over the given library layers. */
    static YaqlContext over(YaqlContext library, YaqlOptions options) {
        return new YaqlContext(library, options);
    }

    /** An empty root, for the standard library's own layers. */
    static YaqlContext root() {
        return new YaqlContext(null, YaqlOptions.YAQL_TESTS);
    }

    public YaqlContext child() {
        return new YaqlContext(this, options);
    }

    /** The one name of a lambda's call: shared, since a second name copies the array before adding. */
    private static final String[] FIRST_ONLY = {"$1"};

    /** A child with {@code $1} bound, as a lambda of one argument is called for each element. */
    YaqlContext childWithFirst(Object value) {
        YaqlContext c = new YaqlContext(this, options);
        c.keys = FIRST_ONLY;
        c.values = new Object[] {value};
        c.size = 1;
        return c;
    }

    public YaqlOptions options() {
        return options;
    }

    YaqlContext parent() {
        return parent;
    }

    /**
     * Ends registration in this context, which must not change afterwards, nor may its parents: a context of
     * extra functions that many evaluations share is sealed once built, and the calls evaluated under it then keep
     * the overloads they found instead of looking them up each time.
     */
    public YaqlContext seal() {
        if (sealed) return this;
        sealedFunctions = new java.util.concurrent.ConcurrentHashMap<>();
        sealedMethods = new java.util.concurrent.ConcurrentHashMap<>();
        sealed = true;
        return this;
    }

    /** Binds {@code $name} (or {@code $} for "$") to plain data (maps, lists, strings, numbers, booleans, null). */
    public YaqlContext set(String name, Object plainValue) {
        setNormalized(normalize(name), Input.convert(plainValue));
        return this;
    }

    /** Registers a function (an overload beside others of the same name in this context). */
    public YaqlContext register(YaqlFunction function) {
        if (sealed) throw new IllegalStateException("the standard library's contexts are shared and cannot change; register in a child");
        if (function.name.equals("#get_context_data")) throw new IllegalArgumentException("#get_context_data is reserved");
        if (functions == null) functions = new HashMap<>();
        functions.computeIfAbsent(function.name, k -> new ArrayList<>()).add(function);
        return this;
    }

    static String positional(int i) {
        return i < POSITIONAL.length ? POSITIONAL[i] : "$" + i;
    }

    /** yaql's name rule: names start with $, and $ alone is $1. */
    static String normalize(String name) {
        if (!name.startsWith("$")) name = "$" + name;
        return name.equals("$") ? "$1" : name;
    }

    void setNormalized(String name, Object value) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(name)) {
                values[i] = value;
                return;
            }
        }
        if (keys == null) {
            keys = new String[2];
            values = new Object[2];
        } else if (size == keys.length) {
            keys = java.util.Arrays.copyOf(keys, size * 2);
            values = java.util.Arrays.copyOf(values, size * 2);
        }
        keys[size] = name;
        values[size++] = value;
    }

    /** The value of {@code $name} from the innermost context that has it, else null. */
    Object get(String name) {
        return lookup(normalize(name));
    }

    /** As {@link #get}, for a name already in yaql's form. */
    Object lookup(String key) {
        for (YaqlContext c = this; c != null; c = c.parent) {
            String[] k = c.keys;
            for (int i = 0; i < c.size; i++) {
                if (k[i] == key || k[i].equals(key)) return c.values[i];
            }
        }
        return null;
    }

    /**
     * The overloads of {@code name} callable as a method (or as a function), one list per context that has any,
     * innermost first (yaql strips trailing underscores from the name it looks up). The part that comes from the
     * sealed library is computed once and is the same list every time: call sites cache their resolution on it.
     */
    List<List<YaqlFunction>> collect(String name, boolean asMethod) {
        if (name.endsWith("_")) name = name.replaceAll("_+$", "");
        List<List<YaqlFunction>> inner = null;
        for (YaqlContext c = this; c != null; c = c.parent) {
            if (c.sealed) {
                List<List<YaqlFunction>> base = c.sealedLayers(name, asMethod);
                if (inner == null) return base;
                inner.addAll(base);
                return inner;
            }
            List<YaqlFunction> layer = c.layer(name, asMethod);
            if (layer != null) {
                if (inner == null) inner = new ArrayList<>(2);
                inner.add(layer);
            }
        }
        return inner == null ? List.of() : inner;
    }

    /**
     * The first context from here out that has functions of its own or is sealed, or null. When it is sealed,
     * {@link #collect} answers with its layers, which never change: call sites keep their resolution for it.
     */
    YaqlContext functionScope() {
        YaqlContext c = this;
        while (c != null && c.functions == null && !c.sealed) c = c.parent;
        return c;
    }

    boolean isSealed() {
        return sealed;
    }

    private List<YaqlFunction> layer(String name, boolean asMethod) {
        if (functions == null) return null;
        List<YaqlFunction> all = functions.get(name);
        if (all == null) return null;
        List<YaqlFunction> layer = null;
        for (YaqlFunction f : all) {
            if (asMethod ? f.isMethod : f.isFunction) {
                if (layer == null) layer = new ArrayList<>(all.size());
                layer.add(f);
            }
        }
        return layer;
    }

    private List<List<YaqlFunction>> sealedLayers(String name, boolean asMethod) {
        Map<String, List<List<YaqlFunction>>> cache = asMethod ? sealedMethods : sealedFunctions;
        List<List<YaqlFunction>> cached = cache.get(name);
        if (cached != null) return cached;
        List<List<YaqlFunction>> layers = new ArrayList<>();
        List<YaqlFunction> own = layer(name, asMethod);
        if (own != null) layers.add(List.copyOf(own));
        if (parent != null) layers.addAll(parent.collect(name, asMethod));
        List<List<YaqlFunction>> result = List.copyOf(layers);
        List<List<YaqlFunction>> raced = cache.putIfAbsent(name, result);
        return raced != null ? raced : result;
    }
}
