package io.trailboss.cli;

import picocli.CommandLine.Option;

/**
 * {@code --server URL} (or TRAILBOSS_URL) and {@code --token} (or TRAILBOSS_API_TOKEN, else TRAILBOSS_TOKEN:
 * inside a job, its job token) for every command that talks to a running server.
 */
final class ServerOption {
    @Option(names = "--server", defaultValue = "${env:TRAILBOSS_URL:-http://127.0.0.1:8080}", description = "The server's URL (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", defaultValue = "${env:TRAILBOSS_API_TOKEN}", description = "An API token (default: TRAILBOSS_API_TOKEN, else TRAILBOSS_TOKEN, the job token inside a job).")
    String token;

    Client client() {
        return new Client(url, authorization());
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
