package io.trailboss.expr.yaql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What no expression can do: reach a Java object, or hold the server (time, memory, stack), whatever options
 * it runs with. Each limit reached is an error that names it.
 */
class YaqlSandboxTest {
    private static final YaqlContext TESTS = YaqlContext.standard(YaqlOptions.YAQL_TESTS);
    /** Mistral's options: no iterator limit, no memory quota; a short deadline for the test. */
    private static final YaqlContext UNLIMITED = YaqlContext.standard(YaqlOptions.MISTRAL.withTimeout(Duration.ofMillis(500)));

    private static Object eval(String text, Object data, YaqlContext context) {
        return Yaql.parse(text).evaluate(data, context);
    }

    private static YaqlException failure(String text, YaqlContext context) {
        long start = System.nanoTime();
        try {
            eval(text, Map.of("s", "text", "m", Map.of("a", 1)), context);
        } catch (YaqlException e) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(text).isLessThan(Duration.ofSeconds(5));
            return e;
        }
        throw new AssertionError("evaluated: " + text);
    }

    @Test
    void no_expression_reaches_a_method_or_class_of_the_java_objects_behind_the_data() {
        for (String attack : List.of("$.s.getClass()", "$.s.class", "$.m.getClass().forName('java.lang.Runtime')", "''.getClass()",
                "$.m.entrySet()", "$.s.toString()", "$.m.hashCode()", "call(getClass, [], {})", "call('java.lang.Runtime.getRuntime', [], {})",
                "$.s.__class__", "call(exec, ['touch /tmp/trailboss-yaql-pwned'], {})", "$.m.put(b, 2)", "lambda($).getClass()")) {
            YaqlException e = failure(attack, TESTS);
            assertThat(e.kind()).as(attack).isIn("NoMethodRegisteredException", "NoFunctionRegisteredException", "NoMatchingFunctionException",
                    "NoMatchingMethodException", "KeyError", "YaqlLexicalException", "YaqlGrammarException");
        }
        assertThat(new java.io.File("/tmp/trailboss-yaql-pwned")).doesNotExist();
    }

    @Test
    void results_are_plain_data_only() {
        Object result = eval("[$, $.m.keys(), set(1, 2), $.m.items(), range(3), 2 * 1.5, pow(2, 70), {1 => [true, null]}, str($)]",
                Map.of("s", "text", "m", Map.of("a", 1)), TESTS);
        assertPlain(result);
        assertThatThrownBy(() -> eval("regex('a')", null, TESTS)).isInstanceOf(YaqlException.class).hasMessageContaining("not JSON serializable");
        assertThatThrownBy(() -> eval("let(x => 1)", null, TESTS)).isInstanceOf(YaqlException.class).hasMessageContaining("not JSON serializable");
        assertThatThrownBy(() -> eval("lambda($)", null, TESTS)).isInstanceOf(YaqlException.class).hasMessageContaining("not JSON serializable");
    }

    private static void assertPlain(Object o) {
        switch (o) {
            case null -> { }
            case Map<?, ?> m -> m.forEach((k, v) -> {
                assertThat(k).isInstanceOf(String.class);
                assertPlain(v);
            });
            case List<?> l -> l.forEach(YaqlSandboxTest::assertPlain);
            default -> assertThat(o).isInstanceOfAny(String.class, Long.class, BigInteger.class, Double.class, Boolean.class);
        }
    }

    @Test
    void data_that_is_not_plain_never_gets_in() {
        assertThatThrownBy(() -> eval("$", new Object(), TESTS)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only plain data");
        assertThatThrownBy(() -> eval("$", Map.of("t", Thread.currentThread()), TESTS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TESTS.child().set("runtime", Runtime.getRuntime())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_range_of_a_trillion_stops_at_the_iterator_limit_or_at_the_deadline() {
        assertThat(failure("range(0, 1000000000000)", TESTS).kind()).isEqualTo("CollectionTooLargeException");
        assertThat(failure("range(1e12)", TESTS).kind()).isEqualTo("YaqlLexicalException");
        YaqlException e = failure("range(0, 1000000000000)", UNLIMITED);
        assertThat(e.kind()).isIn("TimeoutError", "CollectionTooLargeException");
        assertThat(failure("range(0, 1000000000000).where($ < 0).first()", UNLIMITED).kind()).isEqualTo("TimeoutError");
        assertThat(failure("sequence().len()", UNLIMITED).kind()).isEqualTo("TimeoutError");
    }

    @Test
    void string_and_list_products_over_the_memory_limit_fail_before_they_are_built() {
        assertThat(failure("'a' * 1000000000", TESTS).kind()).isEqualTo("MemoryQuotaExceededException");
        assertThat(failure("'a' * 1000000000", UNLIMITED).kind()).isEqualTo("MemoryQuotaExceededException");
        assertThat(failure("[1, 2] * 1000000000", UNLIMITED).kind()).isEqualTo("MemoryQuotaExceededException");
        assertThat(failure("'ab' * 100000000000000000000", UNLIMITED).kind()).isEqualTo("MemoryQuotaExceededException");
        assertThat(failure("shiftBitsLeft(1, 100000000)", UNLIMITED).kind()).isEqualTo("MemoryQuotaExceededException");
        assertThat(failure("pow(10, 100000000)", UNLIMITED).kind()).isEqualTo("MemoryQuotaExceededException");
        assertThat(failure("'{0:100000000}'.format(1)", UNLIMITED).kind()).isEqualTo("MemoryQuotaExceededException");
    }

    @Test
    void a_replacement_that_would_grow_past_the_limit_fails_before_it_is_built() {
        assertThat(failure("('a' * 1000000).replace('', 'b' * 1000)", UNLIMITED).kind()).isEqualTo("MemoryQuotaExceededException");
        assertThat(failure("('a' * 100000).replace(a, 'b' * 10000)", UNLIMITED).kind()).isEqualTo("MemoryQuotaExceededException");
    }

    @Test
    void a_regular_expression_that_backtracks_for_long_stops_at_the_deadline() {
        assertThat(failure("('a' * 200000) =~ '(a+)+b'", UNLIMITED).kind()).isEqualTo("TimeoutError");
        assertThat(failure("regex('a*b').searchAll('a' * 200000)", UNLIMITED).kind()).isEqualTo("TimeoutError");
        // Java's regex recurses where Python's does not: a stack overflow is a clear error, not a dead thread
        assertThat(failure("('ab' * 100000) =~ '(a|b)*c'", UNLIMITED).kind()).isEqualTo("RecursionError");
    }

    @Test
    void ints_of_more_than_4300_digits_are_not_written_or_read_as_python_refuses_them() {
        assertThat(failure("str(pow(10, 5000))", UNLIMITED).kind()).isEqualTo("ValueError");
        assertThat(failure("pow(10, 5000)", UNLIMITED).kind()).isEqualTo("ValueError");
        assertThat(failure("int('1' * 5000)", UNLIMITED).kind()).isEqualTo("ValueError");
        assertThat(eval("len(str(pow(10, 4299)))", null, UNLIMITED)).isEqualTo(4300L);
    }

    @Test
    void nested_products_stop_at_the_budget_of_the_whole_evaluation() {
        YaqlException e = failure("range(100).select(range(100).select(range(100).select(range(100).toList()).toList()).toList()).toList()", UNLIMITED);
        assertThat(e.kind()).isIn("MemoryQuotaExceededException", "TimeoutError");
        assertThat(failure("range(2000).select(range(2000).toList())", UNLIMITED).kind()).isIn("CollectionTooLargeException", "TimeoutError");
    }

    @Test
    void runaway_recursion_stops_with_a_recursion_error() {
        assertThat(failure("def(f, f($)) -> f(1)", UNLIMITED).kind()).isEqualTo("RecursionError");
        assertThat(failure("def(f, f($) + f($)) -> f(1)", TESTS).kind()).isEqualTo("RecursionError");
        assertThat(failure("def(f, [f($)]) -> f(1)", UNLIMITED).kind()).isEqualTo("RecursionError");
        // and the evaluation after it is whole
        assertThat(eval("def(f, switch($ <= 1 => 1, true => $ * f($ - 1))) -> f(20)", null, UNLIMITED)).isEqualTo(2432902008176640000L);
    }

    @Test
    void a_deeply_nested_expression_is_refused_when_parsed() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertThatThrownBy(() -> Yaql.parse(deep)).isInstanceOf(YaqlSyntaxException.class).hasMessageContaining("nests deeper");
        assertThatThrownBy(() -> Yaql.parse("1 + ".repeat(40_000) + "1")).isInstanceOf(YaqlSyntaxException.class);
    }
}
