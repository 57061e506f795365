package io.trailboss.expr.yaql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The grammar: yaql's operator table, argument lists, literals, and where a text stops being YAQL. */
class YaqlParserTest {

    private static String tree(String text) {
        return Parser.parse(text).toString();
    }

    private static YaqlSyntaxException error(String text) {
        try {
            Parser.parse(text);
        } catch (YaqlSyntaxException e) {
            return e;
        }
        throw new AssertionError("parsed: " + text);
    }

    @Test
    void multiplication_binds_tighter_than_addition_and_both_associate_left() {
        assertThat(tree("1 + 2 * 3")).isEqualTo("#operator_+(1, #operator_*(2, 3))");
        assertThat(tree("1 - 2 - 3")).isEqualTo("#operator_-(#operator_-(1, 2), 3)");
        assertThat(tree("8 / 4 mod 3")).isEqualTo("#operator_mod(#operator_/(8, 4), 3)");
    }

    @Test
    void unary_minus_binds_tighter_than_multiplication_but_looser_than_the_dot() {
        assertThat(tree("-2 * 3")).isEqualTo("#operator_*(#unary_operator_-(2), 3)");
        assertThat(tree("-2.abs()")).isEqualTo("#unary_operator_-(#operator_.(2, abs()))");
        assertThat(tree("3++1")).isEqualTo("#operator_+(3, #unary_operator_+(1))");
        assertThat(tree("$[-1-1]")).isEqualTo("#indexer($, #operator_-(#unary_operator_-(1), 1))");
    }

    @Test
    void comparisons_bind_tighter_than_not_which_binds_tighter_than_and_then_or() {
        assertThat(tree("not a = b")).isEqualTo("#unary_operator_not(*equal(a, b))");
        assertThat(tree("not a and b or c")).isEqualTo("#operator_or(#operator_and(#unary_operator_not(a), b), c)");
        assertThat(tree("a != b in c")).isEqualTo("#operator_in(*not_equal(a, b), c)");
    }

    @Test
    void regex_match_binds_tighter_than_arithmetic() {
        assertThat(tree("a + b =~ c")).isEqualTo("#operator_+(a, #operator_=~(b, c))");
    }

    @Test
    void the_context_arrow_is_loosest_and_associates_right() {
        assertThat(tree("let(x => 1) -> $x + 1")).isEqualTo("#operator_->(let(x => 1), #operator_+($x, 1))");
        assertThat(tree("a -> b -> c")).isEqualTo("#operator_->(a, #operator_->(b, c))");
    }

    @Test
    void dots_and_indexers_chain_left_to_right() {
        assertThat(tree("$.a.b[0].c")).isEqualTo("#operator_.(#indexer(#operator_.(#operator_.($, a), b), 0), c)");
        assertThat(tree("$?.f(1)")).isEqualTo("#operator_?.($, f(1))");
        assertThat(tree("[1, 2][0]")).isEqualTo("#indexer(#list(1, 2), 0)");
    }

    @Test
    void a_value_followed_by_arguments_is_a_call_of_that_value() {
        assertThat(tree("$f(1)")).isEqualTo("#call($f, 1)");
        assertThat(tree("lambda($)(2)(3)")).isEqualTo("#call(#call(lambda($), 2), 3)");
        assertThat(tree("$.a (1)")).isEqualTo("#operator_.($, #call(a, 1))");
    }

    @Test
    void a_name_directly_followed_by_a_parenthesis_is_a_function_even_an_operator_word() {
        assertThat(tree("not(true)")).isEqualTo("not(true)");
        assertThat(tree("not (true)")).isEqualTo("#unary_operator_not(true)");
    }

    @Test
    void arguments_may_skip_positions_and_end_with_named_pairs() {
        assertThat(tree("f(,1,, c => 4)")).isEqualTo("f(<NoValue>, 1, <NoValue>, c => 4)");
        assertThat(tree("f(,,1)")).isEqualTo("f(<NoValue>, <NoValue>, 1)");
        assertThat(tree("switch($ > 1 => a, true => b)")).isEqualTo("switch(#operator_>($, 1) => a, true => b)");
        assertThat(tree("{a => 1, [1, 2] => {}}")).isEqualTo("#map(a => 1, #list(1, 2) => #map())");
    }

    @Test
    void literals_read_as_yaql_reads_them() {
        assertThat(((Expr.Const) Parser.parse("12")).value()).isEqualTo(12L);
        assertThat(((Expr.Const) Parser.parse("12.5")).value()).isEqualTo(12.5);
        assertThat(((Expr.Const) Parser.parse("123456789012345678901234567890")).value()).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
        assertThat(((Expr.Const) Parser.parse("'a\\n\\x41\\u00e9'")).value()).isEqualTo("a\nAé");
        assertThat(((Expr.Const) Parser.parse("\"say \\\"hi\\\"\"")).value()).isEqualTo("say \"hi\"");
        assertThat(((Expr.Const) Parser.parse("`c:\\f\\x`")).value()).isEqualTo("c:\\f\\x");
        assertThat(((Expr.Const) Parser.parse("'\\d'")).value()).isEqualTo("\\d");
        Expr.Const keyword = (Expr.Const) Parser.parse("True");
        assertThat(keyword.keyword()).isTrue();
        assertThat(keyword.value()).isEqualTo("True");
        assertThat(((Expr.Const) Parser.parse("null")).value()).isNull();
    }

    @Test
    void a_syntax_error_names_the_token_and_its_position() {
        YaqlSyntaxException e = error("f(, a=>1)");
        assertThat(e.position()).isEqualTo(5);
        assertThat(e.getMessage()).contains("'=>'").contains("position 5");
        assertThat(error("a b").position()).isEqualTo(2);
        assertThat(error("2 ** 3").position()).isEqualTo(3);
        assertThat(error("[1, 2,]").position()).isEqualTo(6);
        assertThat(error("f(x => y, t)").position()).isEqualTo(11);
        assertThat(error("f(x => y, , t)").position()).isEqualTo(10);
        assertThat(error("f(1,,,a=>1)").position()).isEqualTo(7);
        assertThat(error("$ {a => 1}").position()).isEqualTo(2);
        assertThat(error("a => b").kind()).isEqualTo("YaqlGrammarException");
    }

    @Test
    void an_unfinished_expression_fails_at_its_end() {
        YaqlSyntaxException e = error("1 +");
        assertThat(e.position()).isEqualTo(3);
        assertThat(e.getMessage()).contains("end of expression");
        assertThat(error("f(1,").position()).isEqualTo(4);
        assertThat(error("(1").position()).isEqualTo(2);
    }

    @Test
    void characters_outside_yaql_are_lexical_errors_at_their_position() {
        YaqlSyntaxException e = error("range(1e12)");
        assertThat(e.kind()).isEqualTo("YaqlLexicalException");
        assertThat(e.position()).isEqualTo(6);
        assertThat(error("'open").position()).isEqualTo(0);
        assertThat(error("$.__d").position()).isEqualTo(2);
        assertThat(error("1 # 2").position()).isEqualTo(2);
    }

    @Test
    void nesting_deeper_than_the_limit_is_refused_before_evaluation() {
        String deep = "(".repeat(Parser.MAX_DEPTH + 10) + "1" + ")".repeat(Parser.MAX_DEPTH + 10);
        assertThatThrownBy(() -> Parser.parse(deep)).isInstanceOf(YaqlSyntaxException.class).hasMessageContaining("nests deeper");
        assertThat(tree("(".repeat(50) + "1" + ")".repeat(50))).isEqualTo("1");
    }

    @Test
    void parsed_expressions_are_cached_by_text() {
        assertThat(Yaql.parse("$.a + 1")).isSameAs(Yaql.parse("$.a + 1"));
    }
}
