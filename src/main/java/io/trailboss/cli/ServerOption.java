package io.trailboss.cli;

import picocli.CommandLine.Option;

/** {@code --server URL} (or TRAILBOSS_URL) for every command that talks to a running server. */
final class ServerOption {
    @Option(names = "--server", defaultValue = "${env:TRAILBOSS_URL:-http://127.0.0.1:8080}", description = "The server's URL (default: ${DEFAULT-VALUE}).")
    String url;

    Client client() {
        return new Client(url);
    }

    /** The URL without a trailing slash, to append paths to. */
    String base() {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
