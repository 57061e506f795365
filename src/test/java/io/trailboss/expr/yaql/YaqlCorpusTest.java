package io.trailboss.expr.yaql;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * yaql 2.0's conformance corpus (src/test/resources/yaql/public.json, a copy of the recorded data: expressions
 * from yaql's own unit tests with the data they ran on and what yaql returned or raised) replayed through
 * {@code POST /api/v1/expressions/evaluate} over real HTTP, compared as run_corpus.py compares.
 *
 * <p>A few of yaql's tests set their context up before evaluating: they register functions of their own
 * ({@code func}, {@code foo}, {@code f}, a property {@code negValue}, a second {@code select}) or read the
 * data as {@code $data}, as yaql's test harness binds it. Those functions are not yaql's library and the
 * endpoint does not have them; those cases are replayed here with the same setup, built through the function
 * registration API, and must give yaql's result too. Every other case must pass over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class YaqlCorpusTest {
    /** yaql test methods whose own setup adds to the context, and the same setup here. */
    private static final Map<String, Consumer<YaqlContext>> HARNESS = Map.of(
            "test_engine.TestEngine.test_skip_args", c -> c.register(YaqlFunction.function("func")
                    .param("a", Types.INT_OR_NULL, 11L).param("b", Types.INT_OR_NULL, 22L).param("c", Types.INT_OR_NULL, 33L)
                    .body(call -> PySeq.of(call.arg(0), call.arg(1), call.arg(2)))),
            "test_miscellaneous.TestMiscellaneous.test_bool_is_not_an_integer", c -> c.register(YaqlFunction.function("foo")
                    .param("arg", Types.INTEGER).body(call -> call.arg(0))),
            "test_miscellaneous.TestMiscellaneous.test_nullable_collections", c -> {
                c.register(YaqlFunction.function("foo1").param("arg", Types.SEQUENCE).body(call -> call.arg(0) == null));
                c.register(YaqlFunction.function("foo2").param("arg", Types.SEQUENCE_OR_NULL).body(call -> call.arg(0) == null));
                c.register(YaqlFunction.function("bar1").param("arg", Types.ITERABLE).body(call -> call.arg(0) == null));
                c.register(YaqlFunction.function("bar2").param("arg", Types.ITERABLE_OR_NULL).body(call -> call.arg(0) == null));
                c.register(YaqlFunction.function("baz1").param("arg", Types.ITERATOR).body(call -> call.arg(0) == null));
            },
            "test_resolution.TestResolution.test_resolve_parameter_count_single_layer", c -> {
                c.register(YaqlFunction.function("f").param("a").body(call -> call.arg(0)));
                c.register(YaqlFunction.function("f").param("a").param("b").body(call -> PyMath.add(call.arg(0), call.arg(1))));
            },
            "test_resolution.TestResolution.test_ambiguous_method", c -> c.register(YaqlFunction.method("select")
                    .param("c").param("s").body(call -> 1L)),
            "test_system.TestSystem.test_properties", c -> c.register(YaqlFunction.function("#property#negValue")
                    .param("obj", Types.INT).body(call -> PyMath.neg(call.arg(0)))),
            "test_queries.TestQueries.test_generate_many", c -> {});

    private TestServer server;
    private List<Map<String, Object>> cases;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void start() throws IOException {
        try (InputStream in = YaqlCorpusTest.class.getResourceAsStream("/yaql/public.json")) {
            cases = (List<Map<String, Object>>) Json.readMap(new String(in.readAllBytes(), StandardCharsets.UTF_8)).get("cases");
        }
        server = new TestServer(TestDatabases.h2());
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    private static boolean harness(Map<String, Object> c) {
        return HARNESS.containsKey((String) c.get("test"));
    }

    @Test
    void every_case_of_yaqls_own_tests_gives_yaqls_result_through_the_endpoint() {
        assertThat(cases).hasSize(319);
        List<String> failed = new ArrayList<>();
        int passed = 0;
        for (Map<String, Object> c : cases) {
            Map<String, Object> body = new java.util.HashMap<>();
            body.put("language", "yaql");
            body.put("expression", c.get("expr"));
            body.put("data", c.get("data"));
            TestServer.Answer a = server.postJson("/api/v1/expressions/evaluate", body);
            boolean ok;
            if (c.containsKey("error")) {
                ok = (a.status() == 400 || a.status() == 422) && a.contentType().startsWith("application/problem+json") && a.map().containsKey("detail");
            } else {
                ok = a.status() == 200 && a.map().containsKey("result") && same(a.map().get("result"), c.get("result"));
            }
            if (ok) passed++;
            else if (!harness(c)) failed.add(c.get("id") + " " + c.get("expr") + " -> " + a.status() + " " + a.body());
        }
        assertThat(failed).isEmpty();
        assertThat(passed).isGreaterThanOrEqualTo(307);
    }

    @Test
    void the_cases_whose_yaql_test_sets_its_context_up_give_yaqls_result_with_that_setup() {
        List<Map<String, Object>> own = cases.stream().filter(YaqlCorpusTest::harness).toList();
        assertThat(own).hasSizeGreaterThanOrEqualTo(12);
        List<String> failed = new ArrayList<>();
        for (Map<String, Object> c : own) {
            // yaql's test harness: its own functions in the library's layer, the data as $ and as $data
            YaqlContext library = StandardLibrary.build(true);
            HARNESS.get((String) c.get("test")).accept(library);
            YaqlContext context = YaqlContext.over(library, YaqlOptions.YAQL_TESTS).child().set("data", c.get("data"));
            Object got;
            boolean ok;
            try {
                got = Yaql.parse((String) c.get("expr")).evaluate(c.get("data"), context);
                ok = !c.containsKey("error") && same(got, c.get("result"));
            } catch (YaqlException e) {
                got = e.describe();
                ok = c.containsKey("error") && e.kind().equals(c.get("error"));
            }
            if (!ok) failed.add(c.get("id") + " " + c.get("expr") + " -> " + got);
        }
        assertThat(failed).isEmpty();
    }

    /** run_corpus.py's comparison: numbers as numbers, booleans only equal booleans. */
    private static boolean same(Object a, Object b) {
        if (a instanceof Boolean || b instanceof Boolean) return Objects.equals(a, b);
        if (a instanceof Number x && b instanceof Number y) {
            double p = x.doubleValue();
            double q = y.doubleValue();
            return Math.abs(p - q) <= 1e-9 * Math.max(1, Math.max(Math.abs(p), Math.abs(q)));
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!same(x.get(i), y.get(i))) return false;
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) return false;
            for (Object k : x.keySet()) if (!same(x.get(k), y.get(k))) return false;
            return true;
        }
        return Objects.equals(a, b);
    }

    @Test
    void the_harness_list_names_only_tests_of_the_corpus() {
        Set<Object> tests = new java.util.HashSet<>();
        for (Map<String, Object> c : cases) tests.add(c.get("test"));
        assertThat(tests).containsAll(HARNESS.keySet());
    }
}
