package io.trailboss.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionSandboxTest {
    private final Expressions expressions = new Expressions();

    private Object eval(String s, Map<String, Object> data) {
        return expressions.evaluate(s, data, EvaluationScope.NONE);
    }

    @Test
    void a_single_expression_keeps_its_type_and_mixed_text_renders_to_a_string() {
        Map<String, Object> data = Map.of("n", List.of(1, 2, 3), "name", "Ada");
        assertThat(eval("{{ _.n | sum }}", data)).isEqualTo(6L);
        assertThat(eval("{{ '5' }}", data)).isEqualTo("5");
        assertThat(eval("{{ _.n }}", data)).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(eval("Hello {{ _.name }} x{{ _.n | length }}", data)).isEqualTo("Hello Ada x3");
        assertThat(eval("no expression here", data)).isEqualTo("no expression here");
    }

    @Test
    void map_keys_are_not_evaluated_and_values_are() {
        Object out = expressions.evaluate(Map.of("{{ _.k }}", "{{ _.v }}"), Map.of("k", "key", "v", 7), EvaluationScope.NONE);
        assertThat(out).isEqualTo(Map.of("{{ _.k }}", 7L));
    }

    @Test
    void templates_cannot_reach_java_methods_classes_or_files() {
        Map<String, Object> data = Map.of("s", "text", "m", Map.of("a", 1));
        for (String attack : List.of(
                "{{ _.s.getClass() }}",
                "{{ _.s.getClass().forName('java.lang.Runtime') }}",
                "{{ _.m.getClass().getClassLoader() }}",
                "{{ ''.getClass().forName('java.lang.Runtime').getRuntime().exec('touch /tmp/trailboss-pwned') }}",
                "{% include '/etc/passwd' %}",
                "{% import 'logback.xml' as x %}")) {
            Object result;
            try {
                result = eval(attack, data);
            } catch (ExpressionException refused) {
                continue;
            }
            assertThat(String.valueOf(result)).as(attack).doesNotContain("class java").doesNotContain("root:").doesNotContain("Process");
        }
        assertThat(new java.io.File("/tmp/trailboss-pwned")).doesNotExist();
    }

    @Test
    void an_error_in_an_expression_names_the_expression() {
        assertThatThrownBy(() -> eval("{{ nosuchfunction(_.n) }}", Map.of("n", 1)))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("nosuchfunction(_.n)");
    }

    @Test
    void functions_return_plain_data() {
        assertThat(eval("{{ json_parse('{\"a\": [1, 2]}') }}", Map.of())).isEqualTo(Map.of("a", List.of(1L, 2L)));
        assertThat(eval("{{ yaml_parse('a: 1') }}", Map.of())).isEqualTo(Map.of("a", 1L));
        assertThat((String) eval("{{ uuid() }}", Map.of())).hasSize(36);
    }
}
