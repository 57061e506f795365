package io.trailboss.expr.yaql;

/**
 * yaql 2.0's standard library as yaql.create_context() builds it: a root layer with the property fallback,
 * then one layer with the system, common, boolean, strings, math, collections, queries, regex and branching
 * functions (date/time and yaqlized objects are left out: they work on Python objects, not on data). Built
 * once for each setting of delegates, sealed and shared by every evaluation.
 */
final class StandardLibrary {
    private static final YaqlContext WITH_DELEGATES = build(true).seal();
    private static final YaqlContext WITHOUT_DELEGATES = build(false).seal();

    private StandardLibrary() {}

    static YaqlContext layers(boolean delegates) {
        return delegates ? WITH_DELEGATES : WITHOUT_DELEGATES;
    }

    /**
     * The library's layers, not sealed: for yaql's own way of adding an overload beside the library's (its tests
     * do), which shared layers refuse.
     */
    static YaqlContext build(boolean delegates) {
        YaqlContext root = YaqlContext.root();
        SystemLibrary.registerFallbacks(root);
        YaqlContext std = root.child();
        SystemLibrary.register(std, delegates);
        CommonLibrary.register(std);
        BooleanLibrary.register(std);
        StringsLibrary.register(std);
        MathLibrary.register(std);
        CollectionsLibrary.register(std);
        QueriesLibrary.register(std);
        RegexLibrary.register(std);
        BranchingLibrary.register(std);
        root.seal();
        return std;
    }
}
