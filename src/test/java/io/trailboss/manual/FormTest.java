package io.trailboss.manual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormTest {
    private static Form form(Object... fields) {
        Form.Parsed parsed = Form.parse(List.of(fields), false);
        assertThat(parsed.problems()).isEmpty();
        return parsed.form();
    }

    private static List<String> problems(Object... fields) {
        return Form.parse(List.of(fields), false).problems().stream().map(FieldError::toString).toList();
    }

    private static List<FieldError> errors(Form form, Map<String, Object> answers) {
        try {
            form.answers(answers);
        } catch (AnswersException e) {
            return e.errors();
        }
        throw new AssertionError("the answers were accepted");
    }

    @Test
    void refuses_an_unknown_type_naming_the_field_and_the_types() {
        assertThat(problems(Map.of("name", "size", "type", "integer")))
                .containsExactly("form[0].type: form[0] (size): unknown type 'integer' (one of string, number, boolean, choice, secret)");
    }

    @Test
    void refuses_a_choice_without_choices_and_choices_on_other_types() {
        assertThat(problems(Map.of("name", "env", "type", "choice"))).containsExactly("form[0].choices: form[0] (env): a choice field needs 'choices'");
        assertThat(problems(Map.of("name", "env", "type", "choice", "choices", List.of()))).singleElement().asString().contains("non-empty list");
        assertThat(problems(Map.of("name", "env", "type", "string", "choices", List.of("a")))).singleElement().asString().contains("only a choice field has 'choices'");
    }

    @Test
    void refuses_a_default_of_the_wrong_type_or_outside_the_bounds() {
        assertThat(problems(Map.of("name", "n", "type", "number", "default", "many"))).singleElement().asString()
                .isEqualTo("form[0].default: form[0] (n): the default must be a number, not 'many'");
        assertThat(problems(Map.of("name", "ok", "type", "boolean", "default", 3))).singleElement().asString().contains("the default must be true or false");
        assertThat(problems(Map.of("name", "c", "type", "choice", "choices", List.of("a", "b"), "default", "z"))).singleElement().asString()
                .contains("the default 'z' is not one of the choices [a, b]");
        assertThat(problems(Map.of("name", "n", "type", "number", "max", 3, "default", 4))).singleElement().asString().contains("must be at most 3");
    }

    @Test
    void refuses_unknown_keys_duplicate_names_bad_patterns_and_secret_defaults() {
        assertThat(problems(Map.of("name", "a", "colour", "red"))).singleElement().asString().startsWith("form[0].colour: unknown key 'colour'");
        assertThat(problems(Map.of("name", "a"), Map.of("name", "a"))).containsExactly("form[1].name: field 'a' is defined twice");
        assertThat(problems(Map.of("name", "a", "pattern", "(["))).singleElement().asString().contains("'pattern' is not a regular expression");
        assertThat(problems(Map.of("name", "pw", "type", "secret", "default", "hunter2"))).singleElement().asString().contains("a secret field cannot have a default");
        assertThat(problems(Map.of("type", "string"))).containsExactly("form[0].name: a field needs a 'name'");
        assertThat(problems(Map.of("name", "n", "type", "string", "min", 1))).singleElement().asString().contains("only a number field has 'min' and 'max'");
        assertThat(Form.parse("not a list", false).problems()).singleElement().asString().contains("must be a list of fields");
    }

    @Test
    void leaves_templates_to_be_checked_once_rendered() {
        assertThat(Form.parse("{{ _.form }}", true).problems()).isEmpty();
        assertThat(Form.parse(List.of(Map.of("name", "n", "type", "number", "default", "{{ _.n }}")), true).problems()).isEmpty();
        assertThat(Form.parse(List.of(Map.of("name", "n", "type", "number", "default", "{{ _.n }}")), false).problems()).hasSize(1);
    }

    @Test
    void types_answers_and_applies_defaults() {
        Form f = form(Map.of("name", "count", "type", "number"),
                Map.of("name", "ratio", "type", "number", "default", 0.5),
                Map.of("name", "go", "type", "boolean"),
                Map.of("name", "env", "type", "choice", "choices", List.of("prod", "staging", 3)),
                Map.of("name", "note", "required", false),
                Map.of("name", "who", "default", "ops"));
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("count", "12");
        given.put("go", "yes");
        given.put("env", "3");
        Map<String, Object> values = f.answers(given);
        assertThat(values.keySet()).containsExactly("count", "ratio", "go", "env", "note", "who");
        assertThat(values).containsEntry("count", 12L).containsEntry("ratio", 0.5).containsEntry("go", true)
                .containsEntry("env", 3).containsEntry("note", null).containsEntry("who", "ops");
        assertThat(f.answers(Map.of("count", 2.5, "go", false, "env", "prod"))).containsEntry("count", 2.5).containsEntry("go", false);
    }

    @Test
    void reports_every_bad_answer_with_its_field() {
        Form f = form(Map.of("name", "count", "type", "number", "min", 1, "max", 10),
                Map.of("name", "host", "pattern", "[a-z0-9.-]+", "max_length", 20),
                Map.of("name", "go", "type", "boolean"),
                Map.of("name", "pw", "type", "secret", "min_length", 8),
                Map.of("name", "env", "type", "choice", "choices", List.of("prod", "staging")));
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("count", 11);
        given.put("host", "Bad Host!");
        given.put("go", "maybe");
        given.put("pw", "short");
        given.put("env", "dev");
        given.put("extra", 1);
        assertThat(errors(f, given)).extracting(FieldError::toString).containsExactlyInAnyOrder(
                "extra: the form has no field 'extra' (fields: count, host, go, pw, env)",
                "count: must be at most 10",
                "host: 'Bad Host!' does not match the pattern [a-z0-9.-]+",
                "go: must be true or false, not 'maybe'",
                "pw: must be at least 8 characters long",
                "env: 'dev' is not one of the choices [prod, staging]");
        assertThat(errors(f, Map.of())).extracting(FieldError::field).containsExactly("count", "host", "go", "pw", "env");
        assertThat(errors(f, Map.of("count", "ten", "host", "a", "go", true, "pw", "longenough", "env", "prod")))
                .extracting(FieldError::toString).containsExactly("count: must be a number, not 'ten'");
    }

    @Test
    void a_secret_answer_that_misses_its_pattern_is_not_echoed() {
        Form f = form(Map.of("name", "pw", "type", "secret", "pattern", "[0-9]+"));
        assertThatThrownBy(() -> f.answers(Map.of("pw", "hunter2"))).isInstanceOf(AnswersException.class)
                .hasMessageNotContaining("hunter2").hasMessageContaining("pw: does not match the pattern");
    }
}
