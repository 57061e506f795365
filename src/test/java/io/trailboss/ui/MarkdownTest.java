package io.trailboss.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Links and images in instructions go only to http, https, mailto or a relative place. */
class MarkdownTest {
    @ParameterizedTest
    @ValueSource(strings = {"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "DATA:text/html,<script>alert(1)</script>",
            "javascript:alert(1)", "JavaScript:alert(1)", "java&#x09;script:alert(1)", "&#x20;javascript:alert(1)", "vbscript:msgbox(1)",
            "file:///etc/passwd", "data:image/svg+xml;base64,PHN2Zy8+"})
    void a_link_or_image_to_any_other_scheme_is_neutralized(String url) {
        String link = Markdown.html("[x](" + url + ")");
        String image = Markdown.html("![x](" + url + ")");
        String reference = Markdown.html("[x][r]\n\n[r]: " + url + "\n");
        for (String html : new String[] {link, image, reference}) {
            assertThat(html).as(html).doesNotContainIgnoringCase("data:").doesNotContainIgnoringCase("script:")
                    .doesNotContainIgnoringCase("vbscript").doesNotContainIgnoringCase("file:");
        }
        assertThat(link).contains(" href=\"\"");
        assertThat(image).contains("<img src=\"\"");
    }

    @Test
    void web_mail_and_relative_links_are_kept() {
        assertThat(Markdown.html("[a](https://example.com/x?y=1)")).contains("href=\"https://example.com/x?y=1\"");
        assertThat(Markdown.html("[a](http://example.com)")).contains("href=\"http://example.com\"");
        assertThat(Markdown.html("[a](mailto:ops@example.com)")).contains("href=\"mailto:ops@example.com\"");
        assertThat(Markdown.html("[a](/ui/targets/web1)")).contains("href=\"/ui/targets/web1\"");
        assertThat(Markdown.html("[a](runbook.html#step:2)")).contains("href=\"runbook.html#step:2\"");
        assertThat(Markdown.html("![logo](/static/logo.png)")).contains("src=\"/static/logo.png\"");
        assertThat(Markdown.html("<https://example.com>")).contains("href=\"https://example.com\"");
    }
}
