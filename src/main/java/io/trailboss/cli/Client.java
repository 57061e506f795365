package io.trailboss.cli;

import io.trailboss.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the CLI's server commands; errors print the server's problem detail. */
final class Client {
    private final HttpClient http;
    private final String base;
    private final String authorization;

    Client(String base) {
        this(base, null, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** {@code authorization}: the Authorization header every request sends, or null; {@code http}: trusting the server as told. */
    Client(String base, String authorization, HttpClient http) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.authorization = authorization;
        this.http = http;
    }

    record Response(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        Object json() {
            return body.isEmpty() ? null : Json.read(body);
        }
    }

    Response send(String method, String path, String contentType, String body) throws IOException, InterruptedException {
        return send(method, path, contentType, body, java.util.Map.of());
    }

    /** {@code headers}: more request headers (such as Idempotency-Key). */
    Response send(String method, String path, String contentType, String body, java.util.Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (contentType != null) b.header("Content-Type", contentType);
        headers.forEach(b::header);
        if (authorization != null) b.header("Authorization", authorization);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach the server at " + base + " (is `trailboss server` running? set --server or TRAILBOSS_URL)");
        } catch (IOException e) {
            java.util.Optional<String> refused = io.trailboss.tls.ClientTrust.refusal(e);
            if (refused.isPresent()) throw new IOException(refused.get(), e);
            throw e;
        }
        return new Response(r.statusCode(), r.body());
    }

    /** Prints a successful answer as indented JSON, or the problem on stderr; returns the exit code. */
    static int print(Response r) throws IOException {
        if (r.ok()) {
            if (!r.body().isEmpty()) System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r.json()));
            return 0;
        }
        if (r.status() == 401) {
            System.err.println("error 401: the server requires authentication: pass --token or set TRAILBOSS_API_TOKEN (`trailboss tokens create` makes one)");
            return 1;
        }
        Object problem;
        try {
            problem = r.json();
        } catch (RuntimeException notJson) {
            problem = null;
        }
        if (problem instanceof java.util.Map<?, ?> m && m.get("detail") != null) System.err.println("error " + r.status() + ": " + m.get("detail"));
        else System.err.println("error " + r.status() + ": " + r.body());
        return 1;
    }
}
