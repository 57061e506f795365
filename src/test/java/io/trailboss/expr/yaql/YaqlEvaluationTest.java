package io.trailboss.expr.yaql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** yaql 2.0's semantics, each result as the real yaql gives it (checked against Debian's python3-yaql). */
class YaqlEvaluationTest {
    private static final YaqlContext CONTEXT = YaqlContext.standard(YaqlOptions.YAQL_TESTS);

    private static Object eval(String text) {
        return eval(text, null);
    }

    private static Object eval(String text, Object data) {
        return Yaql.parse(text).evaluate(data, CONTEXT);
    }

    private static String kind(String text, Object data) {
        try {
            eval(text, data);
        } catch (YaqlException e) {
            return e.kind();
        }
        throw new AssertionError("evaluated: " + text);
    }

    @Test
    void arithmetic_is_pythons_ints_divide_to_ints_and_floor() {
        assertThat(eval("7 / 2")).isEqualTo(3L);
        assertThat(eval("-7 / 2")).isEqualTo(-4L);
        assertThat(eval("-7 mod 3")).isEqualTo(2L);
        assertThat(eval("7.5 mod -2")).isEqualTo(-0.5);
        assertThat(eval("5 / 2.0")).isEqualTo(2.5);
        assertThat(eval("9223372036854775807 + 1")).isEqualTo(new BigInteger("9223372036854775808"));
        assertThat(eval("round(2.5)")).isEqualTo(2.0);
        assertThat(eval("round(2.675, 2)")).isEqualTo(2.67);
        assertThat(kind("7 / 0", null)).isEqualTo("ZeroDivisionError");
        assertThat(kind("7 / -0.0", null)).isEqualTo("ZeroDivisionError");
        assertThat(eval("str(0.1 + 0.2) + ' ' + str(10000000000000000.0) + ' ' + str(10.0)")).isEqualTo("0.30000000000000004 1e+16 10.0");
    }

    @Test
    void equality_follows_python_one_equals_one_point_oh_and_true_but_a_tuple_never_a_list() {
        assertThat(eval("1 = 1.0 and 1 = true")).isEqualTo(true);
        assertThat(eval("[a, b] = $", List.of("a", "b"))).isEqualTo(true);
        assertThat(eval("'a,b'.split(',') = [a, b]")).isEqualTo(false);
        assertThat(eval("{1 => x, 1.0 => y, true => z}")).isEqualTo(Map.of("1", "z"));
        assertThat(eval("null < 0 and not (0 < null)")).isEqualTo(true);
        assertThat(kind("[1] < [2]", null)).isEqualTo("NoMatchingFunctionException");
    }

    @Test
    void sets_come_out_in_cpythons_table_order() {
        assertThat(eval("set(1, 2, 3).add([1, 2])")).isEqualTo(List.of(List.of(1L, 2L), 1L, 2L, 3L));
        assertThat(eval("set(1, 2, null, 3).remove(1, 2, 5)")).isEqualTo(java.util.Arrays.asList(3L, null));
        assertThat(eval("set(100, 200, 300, 1, 2)")).isEqualTo(List.of(1L, 2L, 100L, 200L, 300L));
        assertThat(eval("set(1, 2, 3) - set(2)")).isEqualTo(List.of(1L, 3L));
    }

    @Test
    void lazy_results_are_good_for_one_pass_as_in_yaql() {
        assertThat(eval("$.where($ > 1).select($ * 10)", List.of(1, 2, 3))).isEqualTo(List.of(20L, 30L));
        assertThat(kind("let(x => [1, 2].select($)) -> $x.sum() + $x.sum()", null)).isEqualTo("TypeError");
        assertThat(eval("let(x => [1, 2].select($).memorize()) -> $x.sum() + $x.sum()")).isEqualTo(6L);
        assertThat(eval("$.len()", List.of(1, 2, 3))).isEqualTo(3L);
        assertThat(eval("$.select($).count()", List.of(1, 2, 3))).isEqualTo(3L);
    }

    @Test
    void arguments_may_be_skipped_named_or_rules() {
        assertThat(eval("$.groupBy($.k, aggregator => $.len())", List.of(Map.of("k", 1), Map.of("k", 1), Map.of("k", 2))))
                .isEqualTo(List.of(List.of(1L, 2L), List.of(2L, 1L)));
        assertThat(eval("$.items().orderBy($[0]).groupBy($[1],, $.sum())", Map.of("a", 1, "c", 1)))
                .isEqualTo(List.of(List.of(1L, List.of("a", 1L, "c", 1L))));
        assertThat(eval("switch($ < 10 => small, $ < 100 => medium, true => large)", 50)).isEqualTo("medium");
        assertThat(eval("'{0}->{x}'.format(a, x => b)")).isEqualTo("a->b");
        assertThat(kind("f(2 + 2 => 4)", null)).isEqualTo("NoFunctionRegisteredException");
        assertThat(kind("len(2 + 2 => 4)", null)).isEqualTo("MappingTranslationException");
    }

    @Test
    void methods_keys_and_properties_resolve_as_yaql_resolves_them() {
        assertThat(eval("$.name", List.of(Map.of("name", "a"), Map.of("name", "b")))).isEqualTo(List.of("a", "b"));
        assertThat(kind("$.missing", Map.of("a", 1))).isEqualTo("KeyError");
        assertThat(eval("$.get(missing, 5)", Map.of("a", 1))).isEqualTo(5L);
        assertThat(kind("a.b", null)).isEqualTo("NoFunctionRegisteredException");
        assertThat(kind("[1, 2].kjhfksjdhfk($)", null)).isEqualTo("NoMethodRegisteredException");
        assertThat(kind("set(a, b).insert(1, a)", null)).isEqualTo("NoMatchingMethodException");
        assertThat(eval("[1, 2].insert(100, a)")).isEqualTo(List.of(1L, 2L, "a"));
        assertThat(eval("$?.a", null)).isNull();
    }

    @Test
    void lambdas_let_def_and_the_context_arrow() {
        assertThat(eval("let(f => lambda($ * 2)) -> [1, 2].select($f($))")).isEqualTo(List.of(2L, 4L));
        assertThat(eval("def(fact, switch($ <= 1 => 1, true => $ * fact($ - 1))) -> fact(10)")).isEqualTo(3628800L);
        assertThat(eval("[2, 3].unpack(a, b) -> $a * $b")).isEqualTo(6L);
        assertThat(eval("lambda(let(outer => $) -> lambda($outer - $))(7)(2)")).isEqualTo(5L);
        assertThat(eval("call(len, [[1, 2]], {})")).isEqualTo(2L);
    }

    @Test
    void strings_count_code_points_and_regexes_are_pythons() {
        assertThat(eval("'😀x'.len()")).isEqualTo(2L);
        assertThat(eval("'😀x'.substring(1)")).isEqualTo("x");
        assertThat(eval("Привет.toUpper()")).isEqualTo("ПРИВЕТ");
        assertThat(eval("'  a b  '.split(null, 1)")).isEqualTo(List.of("a", "b  "));
        assertThat(eval("regex(`(\\d+)\\.?(\\d+)?`).search('aa24.16bb', [$2.value, $3.start])")).isEqualTo(List.of("24", 5L));
        assertThat(eval("regex(`(\\W+)`).split('Words, words.')")).isEqualTo(List.of("Words", ", ", "words", ".", ""));
        assertThat(eval("regex('(?P<x>\\w)').replace('ab', '[\\g<x>]')")).isEqualTo("[a][b]");
        assertThat(eval("'{0:>8.3f}|{1:,}'.format(3.14159, 1234567)")).isEqualTo("   3.142|1,234,567");
    }

    @Test
    void results_are_json_with_keys_written_as_json_writes_them() {
        assertThat(eval("{1 => a, 2.5 => b, true => c, null => d}")).isEqualTo(Map.of("1", "c", "2.5", "b", "null", "d"));
        assertThat(kind("{[1, 2] => 3}", null)).isEqualTo("TypeError");
        assertThat(eval("$.keys()", Map.of("a", 1))).isEqualTo(List.of("a"));
    }

    @Test
    void the_limits_of_yaqls_tests_apply_as_in_yaql() {
        assertThat(kind("list(sequence())", null)).isEqualTo("CollectionTooLargeException");
        assertThat(kind("$", java.util.stream.IntStream.range(0, 101).boxed().toList())).isEqualTo("CollectionTooLargeException");
        assertThat(eval("$.len()", java.util.stream.IntStream.range(0, 100).boxed().toList())).isEqualTo(100L);
        assertThat(kind("'a' * 20000", null)).isEqualTo("MemoryQuotaExceededException");
        assertThat(((String) eval("'a' * 10000")).length()).isEqualTo(10000);
    }

    @Test
    void extra_functions_and_names_are_registered_in_a_child_and_stay_there() {
        YaqlContext mistral = YaqlContext.standard(YaqlOptions.MISTRAL).child()
                .register(YaqlFunction.function("env").plainBody(args -> Map.of("region", "eu")))
                .register(YaqlFunction.function("task").optionalString("name", null).plainBody(args -> Map.of("name", String.valueOf(args.get(0)), "result", List.of(1, 2))))
                .set("__execution", Map.of("id", "e1"));
        assertThat(Yaql.parse("[env().region, task(t1).result.sum(), $__execution.id, $.x]").evaluate(Map.of("x", 5), mistral))
                .isEqualTo(List.of("eu", 3L, "e1", 5L));
        assertThat(Yaql.parse("task().name").evaluate(null, mistral)).isEqualTo("null");
        // the library's own context is shared: it refuses registrations, and def() in one evaluation is not seen by the next
        assertThatThrownBy(() -> StandardLibrary.layers(true).register(YaqlFunction.function("x").plainBody(a -> 1))).isInstanceOf(IllegalStateException.class);
        assertThat(eval("def(g, 1) -> g()")).isEqualTo(1L);
        assertThat(kind("g()", null)).isEqualTo("NoFunctionRegisteredException");
        assertThat(kind("env()", null)).isEqualTo("NoFunctionRegisteredException");
    }

    @Test
    void without_delegates_there_is_no_lambda_as_in_mistral() {
        YaqlContext mistral = YaqlContext.standard(YaqlOptions.MISTRAL);
        assertThatThrownBy(() -> Yaql.parse("lambda($)(1)").evaluate(null, mistral)).isInstanceOf(YaqlException.class)
                .satisfies(e -> assertThat(((YaqlException) e).kind()).isEqualTo("NoFunctionRegisteredException"));
        assertThat(Yaql.parse("$.where($ > 1)").evaluate(List.of(1, 2), mistral)).isEqualTo(List.of(2L));
    }
    @Test
    void input_maps_read_as_the_dictionaries_yaql_would_convert_them_to() {
        Map<String, Object> withNull = new java.util.HashMap<>();
        withNull.put("a", null);
        assertThat(eval("[$.a, $.get(a, 5), $.get(b, 5), $.containsKey(a), $.containsKey(b), $.len()]", withNull))
                .isEqualTo(java.util.Arrays.asList(null, null, 5L, true, false, 1L));
        assertThat(kind("$.b", withNull)).isEqualTo("KeyError");
        // keys equal under Python's equality are one key: the first form stays, the last value wins
        Map<Object, Object> ones = new java.util.LinkedHashMap<>();
        ones.put(1, "int");
        ones.put(1L, "long");
        ones.put("1", "string");
        assertThat(eval("[$.len(), $.get(1), $.get('1'), $.get(1.0), $.keys()]", ones)).isEqualTo(List.of(2L, "long", "string", "long", List.of(1L, "1")));
        // a map sorted by its own comparator is read by Python's equality, not by that comparator
        java.util.TreeMap<String, Object> caseless = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        caseless.put("a", 1);
        assertThat(eval("[$.get(A), $.containsKey(A), $.get(a)]", caseless)).isEqualTo(java.util.Arrays.asList(null, false, 1L));
        Map<String, Object> nested = Map.of("a", Map.of("b", List.of(1, Map.of("c", 2.5f))), "n", java.math.BigDecimal.ONE);
        assertThat(eval("[$.a.b[1].c, $.a = $.a, $.a.b.len(), $.n, $.a.items()]", nested))
                .isEqualTo(List.of(2.5, true, 2L, 1.0, List.of(List.of("b", List.of(1L, Map.of("c", 2.5))))));
        assertThatThrownBy(() -> eval("$.t", Map.of("t", new Object(), "u", 1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only plain data");
    }

    @Test
    void data_converted_once_gives_the_same_answers_to_evaluations_on_several_threads() throws Exception {
        List<Object> items = new java.util.ArrayList<>();
        for (int i = 0; i < 2000; i++) items.add(Map.of("n", i, "m", Map.of("k", i % 7, "l", List.of(i))));
        Object data = Yaql.data(items);
        YaqlExpression e = Yaql.parse("$.where($.n > 10).select($.m.k + $.m.l[0] + $.m.len()).sum()");
        YaqlContext mistral = YaqlContext.standard(YaqlOptions.MISTRAL);
        Object expected = e.evaluate(items, mistral);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Object>> answers = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) answers.add(pool.submit(() -> e.evaluate(data, mistral)));
            for (var a : answers) assertThat(a.get()).isEqualTo(expected);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_call_finds_the_functions_of_the_context_it_is_evaluated_in_each_time() {
        YaqlContext own = YaqlContext.standard(YaqlOptions.YAQL_TESTS).child();
        YaqlExpression e = Yaql.parse("[1, 2].len() + 40");
        assertThat(e.evaluate(null, own)).isEqualTo(42L);
        own.register(YaqlFunction.method("len").param("x").plainBody(args -> 60));
        assertThat(e.evaluate(null, own)).isEqualTo(100L);
        assertThat(e.evaluate(null, own.child())).isEqualTo(100L);
        assertThat(e.evaluate(null, CONTEXT)).isEqualTo(42L);
        YaqlContext sealed = YaqlContext.standard(YaqlOptions.YAQL_TESTS).child().register(YaqlFunction.method("len").param("x").plainBody(args -> 1)).seal();
        assertThat(e.evaluate(null, sealed)).isEqualTo(41L);
        assertThat(e.evaluate(null, own)).isEqualTo(100L);
        assertThatThrownBy(() -> sealed.register(YaqlFunction.function("x").plainBody(a -> 1))).isInstanceOf(IllegalStateException.class);
    }
}
