package io.trailboss.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Secrets cut across chunks are masked as if the text had come in one piece, wherever the cuts fall. */
class StreamMaskTest {
    private static final List<String> SECRETS = List.of("hunter2-Secret", "abcab", "tbj_0190-job.AAAA");

    /** Mask runs collapse: two secrets side by side show as one mask in one piece and as two in two pieces. */
    private static String collapsed(String masked) {
        return masked.replaceAll("(\\Q" + Secrets.MASK + "\\E)+", Secrets.MASK);
    }

    private static String streamed(List<String> chunks, List<String> secrets) {
        StreamMask mask = new StreamMask();
        StringBuilder out = new StringBuilder();
        for (String c : chunks) out.append(mask.next(c, secrets));
        out.append(mask.end(secrets));
        return out.toString();
    }

    private static void assertSameAsWhole(String text, List<String> chunks, List<String> secrets) {
        String whole = Secrets.mask(text, secrets);
        String shown = streamed(chunks, secrets);
        assertThat(collapsed(shown)).as("chunks %s", chunks).isEqualTo(collapsed(whole));
        for (String s : secrets) assertThat(shown).as("chunks %s", chunks).doesNotContain(s);
    }

    @Test
    void a_secret_cut_at_any_one_place_is_masked() {
        for (String text : List.of("pw=hunter2-Secret\n", "hunter2-Secret", "x abcabcab y\n", "t=tbj_0190-job.AAAA;", "hunter2-Secrethunter2-Secret!")) {
            for (int cut = 0; cut <= text.length(); cut++) {
                assertSameAsWhole(text, List.of(text.substring(0, cut), text.substring(cut)), SECRETS);
            }
        }
    }

    @Test
    void a_secret_cut_at_any_two_places_is_masked() {
        String text = "a hunter2-Secret b abcab c hunter2-Secre d\n";
        for (int i = 0; i <= text.length(); i++) {
            for (int j = i; j <= text.length(); j++) {
                assertSameAsWhole(text, List.of(text.substring(0, i), text.substring(i, j), text.substring(j)), SECRETS);
            }
        }
    }

    @Test
    void a_secret_sent_one_character_at_a_time_is_masked() {
        String text = "before hunter2-Secret after abcab end";
        List<String> chars = new ArrayList<>();
        for (char c : text.toCharArray()) chars.add(String.valueOf(c));
        assertThat(streamed(chars, SECRETS)).isEqualTo("before " + Secrets.MASK + " after " + Secrets.MASK + " end");
    }

    @Test
    void only_an_end_that_begins_like_a_secret_is_held_back_and_the_end_of_the_stream_shows_it() {
        StreamMask mask = new StreamMask();
        assertThat(mask.next("progress 10%\n", SECRETS)).isEqualTo("progress 10%\n");
        assertThat(mask.holds()).isFalse();
        assertThat(mask.next("Password: ", SECRETS)).isEqualTo("Password: ");
        assertThat(mask.next("hunt", SECRETS)).isEmpty();
        assertThat(mask.holds()).isTrue();
        // the text was not a secret after all: shown at the end, as it was
        assertThat(mask.end(SECRETS)).isEqualTo("hunt");
        assertThat(mask.holds()).isFalse();
    }

    @Test
    void secrets_that_overlap_leave_no_part_of_either_visible() {
        List<String> overlapping = List.of("abcd", "cdXY");
        assertThat(Secrets.mask("1abcdXY2", overlapping)).isEqualTo("1" + Secrets.MASK + "2");
        assertThat(Secrets.mask("1abcdXY2", List.of("cdXY", "abcd"))).isEqualTo("1" + Secrets.MASK + "2");
        String text = "1abcdXY2";
        for (int cut = 0; cut <= text.length(); cut++) {
            assertThat(collapsed(streamed(List.of(text.substring(0, cut), text.substring(cut)), overlapping))).as("cut %d", cut).isEqualTo("1" + Secrets.MASK + "2");
        }
    }

    @Test
    void anything_shaped_like_a_job_token_is_masked_even_when_the_token_is_not_known() {
        String token = JobTokens.issue("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
        assertThat(Secrets.maskJobTokens("token=" + token + "\n")).isEqualTo("token=" + Secrets.MASK + "\n");
        assertThat(Secrets.maskJobTokens("no token here, tbj_ alone\n")).isEqualTo("no token here, tbj_ alone\n");
    }
}
