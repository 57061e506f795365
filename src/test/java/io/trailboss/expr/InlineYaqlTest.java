package io.trailboss.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InlineYaqlTest {
    private final Expressions expressions = new Expressions();

    private Object eval(Object value, Object data) {
        return expressions.evaluate(value, data, SCOPE);
    }

    @Test
    void a_value_that_is_one_expression_keeps_its_type() {
        Map<String, Object> data = Map.of("hosts", List.of(Map.of("name", "a", "up", true), Map.of("name", "b", "up", false)));
        assertThat(eval("<% $.hosts.where($.up).select($.name) %>", data)).isEqualTo(List.of("a"));
        assertThat(eval("<% $.hosts.len() * 2 %>", data)).isEqualTo(4L);
        assertThat(eval("<% $.get(missing) %>", data)).isNull();
        assertThat(eval("<% {a => 1}.a %>", data)).isEqualTo(1L);
    }

    @Test
    void text_with_expressions_shows_values_as_python_str_does() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("m", new LinkedHashMap<>(Map.of("k", "v")));
        data.put("l", List.of(1, 2.5, "x"));
        data.put("n", null);
        data.put("t", true);
        data.put("f", 0.1);
        assertThat(eval("m=<% $.m %> l=<% $.l %> n=<% $.n %> t=<% $.t %> f=<% $.f %> s=<% \"it's\" %>", data))
                .isEqualTo("m={'k': 'v'} l=[1, 2.5, 'x'] n=None t=True f=0.1 s=it's");
        // a leading space makes the value text, as in Mistral: the length of the string decides
        assertThat(eval(" <% 1 + 1 %>", data)).isEqualTo(" 2");
    }

    @Test
    void jinja_wins_over_yaql_in_one_string_and_expressions_spanning_lines_are_text() {
        assertThat(eval("{{ 1 + 1 }}", Map.of())).isEqualTo(2L);
        assertThat(eval(" {{ 1 }}", Map.of())).isEqualTo(" 1");
        // context maps behave like Python's dicts
        Map<String, Object> m = Map.of("m", Map.of("k", "v"));
        assertThat(eval("{{ _.m.get('nope', 'dflt') }}", m)).isEqualTo("dflt");
        assertThat(eval("{{ _.m.items() | list }}", m)).isEqualTo(List.of(List.of("k", "v")));
        assertThat(eval("{% for k, v in _.m.items() %}{{ k }}={{ v }}{% endfor %}", m)).isEqualTo("k=v");
        assertThat(eval("{{ _.m.keys() | list }}", m)).isEqualTo(List.of("k"));
        // Mistral's tojson is jinja2's: json.dumps(sort_keys=True), HTML-safe
        assertThat(eval("{{ {'b': 1, 'a': [2, '<x>']} | tojson }}", Map.of())).isEqualTo("{\"a\": [2, \"\\u003cx\\u003e\"], \"b\": 1}");
        assertThat(eval("<% 1 +\n 1 %>", Map.of())).isEqualTo("<% 1 +\n 1 %>");
        assertThat(Expressions.syntaxProblem("{{ 1 }} <% 2 %>")).contains("mixes Jinja and YAQL");
    }

    @Test
    void nested_values_are_evaluated_and_keys_stay() {
        Object out = eval(Map.of("<% $.x %>", List.of("<% $.x + 1 %>", Map.of("k", "<% str($.x) %>"))), Map.of("x", 1));
        assertThat(out).isEqualTo(Map.of("<% $.x %>", List.of(2L, Map.of("k", "1"))));
    }

    @Test
    void mistral_functions_read_the_scope() {
        assertThat(eval("<% env().region %>", Map.of())).isEqualTo("eu");
        assertThat(eval("<% execution().id %>", Map.of())).isEqualTo("ex-1");
        assertThat(eval("<% task().name %>", Map.of())).isEqualTo("current");
        assertThat(eval("<% task(a).result %>", Map.of())).isEqualTo(List.of(1L, 2L));
        assertThat(eval("<% task(nothing) %>", Map.of())).isNull();
        assertThat(eval("<% tasks().select($.name) %>", Map.of())).isEqualTo(List.of("a", "current"));
        assertThat(eval("<% tasks(null, false, 'SUCCESS').len() %>", Map.of())).isEqualTo(1L);
        assertThat(eval("<% global(region) %>", Map.of())).isEqualTo("global-eu");
        assertThat(eval("<% json_parse('{\"a\": [1]}').a %>", Map.of())).isEqualTo(List.of(1L));
        assertThat(eval("<% json_dump({a => 1}) %>", Map.of())).isEqualTo("{\n    \"a\": 1\n}");
        assertThat(eval("<% yaml_parse('a: 1').a %>", Map.of())).isEqualTo(1L);
        assertThat((String) eval("<% uuid() %>", Map.of())).hasSize(36);
    }

    @Test
    void a_failing_expression_says_which_and_why_without_the_data() {
        // yaql 2.0 reads a key with d[key]: an absent one is an error, not null
        assertThatThrownBy(() -> eval("<% $.missing %>", Map.of("a", 1))).hasMessage("Can not evaluate YAQL expression [expression=$.missing, error='missing']");
        assertThatThrownBy(() -> eval("<% $.a.b %>", Map.of("a", "secret-text")))
                .isInstanceOf(ExpressionException.class)
                .hasMessageStartingWith("Can not evaluate YAQL expression [expression=$.a.b, error=")
                .hasMessageNotContaining("secret-text");
        assertThatThrownBy(() -> eval("<% range(1000000000000).len() %>", Map.of())).isInstanceOf(ExpressionException.class)
                .hasMessageContaining("Can not evaluate YAQL expression");
    }

    @Test
    void syntax_problems_name_the_position_inside_the_value() {
        assertThat(Expressions.syntaxProblem("<% $.x %>")).isNull();
        assertThat(Expressions.syntaxProblem("plain <% 1 + %>")).startsWith("not YAQL at position ");
        String p = Expressions.syntaxProblem("ab <% $.x + + ) %>");
        assertThat(p).contains("of 'ab <% $.x + + ) %>'");
        int at = Integer.parseInt(p.replaceAll("^not YAQL at position (\\d+).*$", "$1"));
        assertThat(at).isBetween(6, 15);
    }

    @Test
    void triggers_globals_are_yaql_names() {
        assertThat(expressions.evaluate("<% $body.id %>", Map.of(), Map.of("body", Map.of("id", 7)), EvaluationScope.NONE)).isEqualTo(7L);
    }

    private static final EvaluationScope SCOPE = new EvaluationScope() {
        @Override
        public Map<String, Object> task(String name) {
            return switch (name) {
                case "a" -> Map.of("name", "a", "state", "SUCCESS", "result", List.of(1, 2));
                case "current" -> Map.of("name", "current", "state", "RUNNING");
                default -> null;
            };
        }

        @Override
        public String currentTask() {
            return "current";
        }

        @Override
        public Map<String, Object> execution() {
            return Map.of("id", "ex-1");
        }

        @Override
        public Map<String, Object> env() {
            return Map.of("region", "eu");
        }

        @Override
        public List<Map<String, Object>> tasks(String executionId, boolean recursive, String state, boolean flat) {
            List<Map<String, Object>> all = new ArrayList<>(List.of(task("a"), task("current")));
            if (state != null) all.removeIf(t -> !state.equals(t.get("state")));
            return all;
        }

        @Override
        public Object global(String name) {
            return "region".equals(name) ? "global-eu" : null;
        }
    };
}
