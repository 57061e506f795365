package io.trailboss.cli;

import io.trailboss.tls.ClientTrust;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --server URL}, {@code --token T} and, for an https:// server, whom to trust: the options every client command shares. */
final class ServerOption {
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--server", defaultValue = "${env:TRAILBOSS_URL:-http://127.0.0.1:8080}", description = "The server's URL (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", defaultValue = "${env:TRAILBOSS_API_TOKEN}", description = "An API token (default: TRAILBOSS_API_TOKEN, else TRAILBOSS_TOKEN, the job token inside a job).")
    String token;

    @Option(names = "--ca", defaultValue = "${env:TRAILBOSS_CA}", description = "For an https:// server: PEM file of the CA certificate(s) to trust, "
            + "or the server's own certificate (default: TRAILBOSS_CA, set inside jobs; else the JDK's trusted CAs).")
    Path ca;

    @Option(names = "--fingerprint", defaultValue = "${env:TRAILBOSS_FINGERPRINT}", description = "For an https:// server: the SHA-256 fingerprint of its "
            + "certificate to trust, as the server prints it at start (default: TRAILBOSS_FINGERPRINT).")
    String fingerprint;

    Client client() {
        return new Client(url, authorization(), httpClient());
    }

    /** An HTTP client trusting what --ca and --fingerprint say (the JDK's CAs without them). */
    HttpClient httpClient() {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (url != null && url.regionMatches(true, 0, "https:", 0, 6)) {
            try {
                b.sslContext(ClientTrust.of(ca, fingerprint == null ? List.of() : List.of(fingerprint)).sslContext());
            } catch (IllegalArgumentException e) {
                // a fingerprint that is not one, a CA file that cannot be read: a usage error, said as such
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        return b.build();
    }

    /** The Authorization header value, or null without a token. */
    String authorization() {
        String t = token;
        if (t == null || t.isBlank()) t = System.getenv("TRAILBOSS_TOKEN");
        return t == null || t.isBlank() ? null : "Bearer " + t.strip();
    }

    /** The URL without a trailing slash, to append paths to. */
    String base() {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
