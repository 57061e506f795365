package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The page after a login is a path on this server, whatever {@code next} says. */
class LoginRedirectTest {
    @ParameterizedTest
    @CsvSource({"/ui/executions, /ui/executions", "/ui?a=1, /ui?a=1", "//evil.example, /", "'/\\evil.example', /",
            "https://evil.example, /", "/%09/evil.example, /%09/evil.example", "'/\t/evil', /", "evil.example, /", "'', /"})
    void next_is_followed_only_when_it_is_a_local_path(String next, String expected) {
        assertThat(AuthRoutes.localPath(next)).isEqualTo(expected);
    }
}
