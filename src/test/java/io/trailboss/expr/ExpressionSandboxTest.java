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
    void no_path_to_java_is_open_through_properties_filters_macros_or_functions() {
        Map<String, Object> data = Map.of("s", "text", "m", Map.of("a", 1), "l", List.of(1, 2));
        for (String attack : List.of(
                "{{ _.s.class }}",
                "{{ _.s['class'] }}",
                "{{ _.m.class.forName('java.lang.Runtime') }}",
                "{{ _.l.getClass().getName() }}",
                "{{ _|attr('class') }}",
                "{{ (_.s ~ '').getClass() }}",
                "{{ range(3).getClass() }}",
                "{{ ''.__class__.__mro__ }}",
                "{{ _.s.__class__ }}",
                "{% set c = _.s.getClass() %}{{ c }}",
                "{% macro m() %}x{% endmacro %}{{ m.getClass() }}",
                "{{ uuid().getClass() }}",
                "{{ json_parse('{}').getClass() }}",
                "{{ env().getClass() }}",
                "{{ execution().getClass() }}",
                "{{ task().getClass() }}",
                "{{ _.s.getBytes() }}",
                "{{ _.m.entrySet() }}",
                "{{ _.l.iterator() }}",
                "{{ _.s.chars() }}",
                "{{ _.m.put('a', 2) }}{{ _.m.a }}",
                "{{ _.s.class.classLoader.loadClass('java.lang.ProcessBuilder') }}",
                "{{ 'x'.getClass().forName('java.lang.ProcessBuilder').getConstructors() }}",
                "{% for c in _.s.getClass().getMethods() %}{{ c }}{% endfor %}",
                "{% include 'file:///etc/passwd' %}",
                "{% from '/etc/passwd' import x %}")) {
            Object result;
            try {
                result = eval(attack, data);
            } catch (ExpressionException refused) {
                continue;
            }
            assertThat(String.valueOf(result)).as(attack).doesNotContain("java.").doesNotContain("class ").doesNotContain("root:")
                    .doesNotContain("Process").doesNotContain("getClass").doesNotContain("[B@");
        }
    }

    @Test
    void a_template_that_renders_too_long_or_too_much_is_stopped() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> eval("{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}{% endfor %}{% endfor %}{% endfor %}", Map.of()))
                .isInstanceOf(ExpressionException.class).hasMessageContaining("longer than");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(20));
        Object big;
        try {
            big = eval("{% for a in range(10000) %}{% for b in range(1000) %}xxxxxxxxxx{% endfor %}{% endfor %}", Map.of());
        } catch (ExpressionException refused) {
            big = "";
        }
        assertThat(String.valueOf(big).length()).isLessThanOrEqualTo(1024 * 1024);
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
