package io.trailboss.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobTokensTest {
    @Test
    void a_token_names_its_job_and_matches_only_its_own_hash() {
        String token = JobTokens.issue("01a20c12-98df-73ee-ae63-da0c9500cd8c");
        assertThat(token).startsWith("tbj_01a20c12-98df-73ee-ae63-da0c9500cd8c.").hasSizeGreaterThan(80);
        assertThat(JobTokens.jobIdOf(token)).contains("01a20c12-98df-73ee-ae63-da0c9500cd8c");
        assertThat(JobTokens.matches(token, JobTokens.hash(token))).isTrue();
        assertThat(JobTokens.matches(token, JobTokens.hash(JobTokens.issue("01a20c12-98df-73ee-ae63-da0c9500cd8c")))).isFalse();
        assertThat(JobTokens.issue("j")).isNotEqualTo(JobTokens.issue("j"));
    }

    @Test
    void a_token_that_names_no_job_gives_no_id() {
        assertThat(JobTokens.jobIdOf("tbj_")).isEmpty();
        assertThat(JobTokens.jobIdOf("tbj_.secret")).isEmpty();
        assertThat(JobTokens.jobIdOf("tbj_nodotsecret")).isEmpty();
        assertThat(JobTokens.jobIdOf("tbk_job.secret")).isEmpty();
        assertThat(JobTokens.jobIdOf("Zm9vYmFy")).isEmpty();
    }

    @Test
    void only_tokens_of_the_shape_issued_before_tokens_named_their_job_are_looked_for_by_hash() {
        String secret = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE";
        assertThat(secret).hasSize(43);
        assertThat(JobTokens.unnamedShape(secret)).isTrue();
        assertThat(JobTokens.unnamedShape("tbj_" + secret)).isTrue();
        assertThat(JobTokens.unnamedShape(secret + "A")).isFalse();
        assertThat(JobTokens.unnamedShape(secret.replace('A', '.'))).isFalse();
        assertThat(JobTokens.unnamedShape(secret.replace('A', 'é'))).isFalse();
        assertThat(JobTokens.unnamedShape("wrong")).isFalse();
        assertThat(JobTokens.unnamedShape(JobTokens.issue("j"))).isFalse();
    }
}
