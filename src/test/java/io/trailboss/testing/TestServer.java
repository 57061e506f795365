package io.trailboss.testing;

import io.trailboss.api.ApiServer;
import io.trailboss.app.Trailboss;
import io.trailboss.auth.Auth;
import io.trailboss.json.Json;
import io.trailboss.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/** A real server on a free port over a real database, and a tiny HTTP client for it. */
public final class TestServer implements AutoCloseable {
    public final Trailboss tb;
    public final ApiServer api;
    public final String base;
    private final HttpClient http;

    public TestServer(Database db) {
        this(db, Clock.systemUTC());
    }

    /** A server whose engine, schedules and records read {@code clock} (a {@link MutableClock} in tests that move time). */
    public TestServer(Database db, Clock clock) {
        this(db, clock, null);
    }

    /**
     * {@code mode} null: as the server decides by default (open on H2, authentication required on PostgreSQL).
     * With authentication required, an admin service token is registered through the first-start bootstrap
     * and every call of this client sends it.
     */
    public TestServer(Database db, Clock clock, Auth.Mode mode) {
        this(db, clock, mode, ApiServer.Transport.PLAIN, io.trailboss.action.JobSandbox.none());
    }

    /** A server whose local jobs start as {@code sandbox} says (isolation, user, limits), as {@code trailboss server} configures it. */
    public TestServer(Database db, io.trailboss.action.JobSandbox sandbox) {
        this(db, Clock.systemUTC(), null, ApiServer.Transport.PLAIN, sandbox);
    }

    /**
     * A server reached as {@code transport} says (over TLS: this client trusts the server's certificate as it was
     * at start, by its fingerprint).
     */
    public TestServer(Database db, Clock clock, Auth.Mode mode, ApiServer.Transport transport) {
        this(db, clock, mode, transport, io.trailboss.action.JobSandbox.none());
    }

    private TestServer(Database db, Clock clock, Auth.Mode mode, ApiServer.Transport transport, io.trailboss.action.JobSandbox sandbox) {
        tb = new Trailboss(db, clock, io.trailboss.target.SecretBox.fromEnvironmentOrEphemeral(), sandbox);
        Auth.Mode chosen = mode != null ? mode : Auth.Mode.defaultFor("127.0.0.1", db.dialect() == Database.Dialect.H2);
        api = new ApiServer(tb, "127.0.0.1", 0, chosen, transport);
        if (tb.auth().required()) {
            adminToken = "tbk_test-admin-" + java.util.UUID.randomUUID();
            adminPassword = "admin-password-" + java.util.UUID.randomUUID();
            tb.auth().bootstrap(adminPassword, adminToken, line -> {});
        } else {
            adminToken = null;
            adminPassword = null;
        }
        api.start();
        tb.recover();
        base = api.url();
        http = transport.tls() == null ? HttpClient.newHttpClient() : HttpClient.newBuilder()
                .sslContext(io.trailboss.tls.ClientTrust.of(null, java.util.List.of(transport.tls().current().fingerprint())).sslContext()).build();
    }

    /** The admin token every call of this client sends when authentication is required, else null. */
    public final String adminToken;

    /** The password of user "admin" when authentication is required, else null. */
    public final String adminPassword;

    /** The client this server's calls go through (trusting its certificate over TLS). */
    public HttpClient http() {
        return http;
    }

    /**
     * Who the server records as acting for a call of this client that claims to be {@code claimed} (the body's
     * {@code by} or the user header): that name on a server running open, the admin token's name with authentication.
     */
    public String actor(String claimed) {
        return adminToken == null ? claimed : Auth.BOOTSTRAP_TOKEN_NAME;
    }

    /** The Authorization header value of this client's calls, or null when the server runs open. */
    public String authorization() {
        return adminToken == null ? null : "Bearer " + adminToken;
    }

    public record Answer(int status, String body, String contentType) {
        public Object json() {
            return Json.read(body);
        }

        @SuppressWarnings("unchecked")
        public java.util.Map<String, Object> map() {
            return (java.util.Map<String, Object>) json();
        }
    }

    public Answer send(String method, String path, String contentType, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
            if (contentType != null) b.header("Content-Type", contentType);
            if (adminToken != null) b.header("Authorization", "Bearer " + adminToken);
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A request with exactly the given headers (this client's admin token is not added): for calls as
     * somebody else or as nobody. Redirects are not followed.
     */
    public HttpResponse<String> raw(String method, String path, java.util.Map<String, String> headers, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
            headers.forEach(b::header);
            // a body over the server's cap is refused from its Content-Length: asking first (100-continue), as careful
            // clients do, gets that answer instead of a connection the server closes while the client still writes
            if (body != null && body.length() > ApiServer.MAX_BODY) b.expectContinue(true);
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Answer get(String path) {
        return send("GET", path, null, null);
    }

    public Answer postJson(String path, Object body) {
        return send("POST", path, "application/json", body instanceof String s ? s : Json.write(body));
    }

    @Override
    public void close() {
        api.close();
        tb.close();
    }
}
