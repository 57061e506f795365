package io.trailboss.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.trailboss.app.Trailboss;
import io.trailboss.definition.DefinitionException;
import io.trailboss.engine.ConflictException;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.NotFoundException;
import io.trailboss.json.Json;
import io.trailboss.tls.CallbackTrust;
import io.trailboss.tls.CertificateFiles;
import io.trailboss.tls.Fingerprints;
import io.trailboss.tls.SelfSignedCertificate;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP server: native API, Mistral-compatible API, OpenAPI document, problem+json errors. */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    public static final long MAX_BODY = 8L * 1024 * 1024;
    static final java.time.Duration HSTS_MAX_AGE = java.time.Duration.ofDays(365);

    private final Javalin app;
    private final Trailboss tb;
    private final String host;
    private final Transport transport;

    /**
     * How the server is reached. {@code tls}: the certificate and key it serves HTTPS with (null: plain HTTP);
     * {@code trustedProxies}: the addresses whose {@code X-Forwarded-*} headers count; {@code stateDir}: where the
     * files jobs get to trust the server are written (null: a temporary directory).
     */
    public record Transport(CertificateFiles tls, List<Cidr> trustedProxies, Path stateDir) {
        public static final Transport PLAIN = new Transport(null, List.of(), null);

        public Transport {
            trustedProxies = List.copyOf(trustedProxies);
        }

        public static Transport https(CertificateFiles tls) {
            return new Transport(tls, List.of(), null);
        }
    }

    /** Authentication as the default says: open on a loopback address with the embedded database, else required. */
    public ApiServer(Trailboss tb, String host, int port) {
        this(tb, host, port, io.trailboss.auth.Auth.Mode.defaultFor(host, tb.database().dialect() == io.trailboss.store.Database.Dialect.H2));
    }

    public ApiServer(Trailboss tb, String host, int port, io.trailboss.auth.Auth.Mode mode) {
        this(tb, host, port, mode, Transport.PLAIN);
    }

    public ApiServer(Trailboss tb, String host, int port, io.trailboss.auth.Auth.Mode mode, Transport transport) {
        this.tb = tb;
        this.host = host;
        this.transport = transport;
        tb.auth().mode(mode);
        String openApi = openApiJson();
        app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(Json.MAPPER, true));
            config.http.maxRequestSize = MAX_BODY;
            config.jetty.host = host;
            config.jetty.port = port;
            config.jetty.modifyServer(server -> server.setErrorHandler(new JettyRefusals()));
            config.startup.showJavalinBanner = false;
            if (!transport.trustedProxies().isEmpty()) {
                config.jetty.modifyHttpConfiguration(http -> http.addCustomizer(new TrustedProxies(transport.trustedProxies())));
            }
            if (transport.tls() != null) {
                // replaces Javalin's plain connector
                config.jetty.addConnector((server, http) -> HttpsConnector.create(server, http, host, port, transport.tls()));
            }
            // an announced body over the cap is refused before any handler sees it. A client that asked first
            // (Expect: 100-continue) never uploads it; one that did not is still sending, and would see its connection
            // reset instead of the answer, so a body up to twice the cap is read and dropped before the 413
            config.routes.before(ctx -> {
                // over TLS (directly, or through a trusted proxy that says so) browsers are told to stay on HTTPS
                if (ctx.req().isSecure()) ctx.header("Strict-Transport-Security", "max-age=" + HSTS_MAX_AGE.toSeconds());
                long length = ctx.req().getContentLengthLong();
                if (length > MAX_BODY) {
                    if (ctx.header("Expect") == null && length <= 2 * MAX_BODY) {
                        try (InputStream in = ctx.req().getInputStream()) {
                            in.transferTo(java.io.OutputStream.nullOutputStream());
                        }
                    }
                    throw new HttpResponseException(413, "request body larger than " + MAX_BODY + " bytes");
                }
                // the body is read before the handler answers, whether the handler wants it or not: a body
                // still unread when the answer is complete (it may arrive after the headers) makes the server
                // close a kept-alive connection that the client then reuses and finds closed. Read once, it is
                // kept for the handler; form and multipart bodies are read by their own parsers.
                String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
                if (length > 0 && !type.startsWith("multipart/") && !type.startsWith("application/x-www-form-urlencoded")) ctx.bodyAsBytes();
            });
            new Security(tb).install(config.routes);
            // after the access check (a stranger's body costs no scan), before any route reads a string of the request
            config.routes.beforeMatched(RequestText::check);
            new AuthRoutes(tb).register(config.routes);
            new NativeRoutes(tb).register(config.routes);
            new ControlRoutes(tb).register(config.routes);
            new MistralRoutes(tb).register(config.routes);
            new TargetRoutes(tb).register(config.routes);
            new LogRoutes(tb).register(config.routes);
            new WatchRoutes(tb).register(config.routes);
            new AgentRoutes(tb, this::enrollmentPin).register(config.routes);
            new AraRoutes(tb).register(config.routes);
            new InboxRoutes(tb).register(config.routes);
            new OpsRoutes(tb).register(config.routes);
            new HealthRoutes(tb).register(config.routes);
            new ExpressionRoutes(tb).register(config.routes);
            config.requestLogger.http((ctx, ms) -> timeRequest(tb, ctx, ms));
            new io.trailboss.ui.UiRoutes(tb).register(config);
            config.routes.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi), Access.PUBLIC);
            // a browser asking for the root gets the web UI; API clients get the index
            config.routes.get("/", ctx -> {
                String accept = ctx.header("Accept");
                if (accept != null && accept.contains("text/html")) {
                    ctx.redirect("/ui");
                    return;
                }
                ctx.json(Map.of("name", "trailboss", "api", "/api/v1", "openapi", "/api/openapi.json", "mistral", "/mistral/v2", "ui", "/ui"));
            }, Access.VIEWER);
            config.routes.exception(Security.Refused.class, (e, ctx) -> {
                if (e.challenge != null) ctx.header("WWW-Authenticate", e.challenge);
                problem(ctx, e.status, e.getMessage(), null, null);
            });
            config.routes.exception(Security.ToLogin.class, (e, ctx) -> ctx.redirect(e.location, io.javalin.http.HttpStatus.FOUND));
            config.routes.exception(ApiException.class, (e, ctx) -> problem(ctx, e.status(), e.getMessage(), e.field(), null));
            config.routes.exception(DefinitionException.class, (e, ctx) -> problem(ctx, 400, "invalid workflow definition", null, e.problems()));
            config.routes.exception(io.trailboss.manual.AnswersException.class, (e, ctx) -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("type", "about:blank");
                body.put("title", "Bad Request");
                body.put("status", 400);
                body.put("detail", e.getMessage());
                body.put("errors", e.errors().stream().map(f -> Map.of("field", f.field(), "message", f.message())).toList());
                ctx.status(400).contentType("application/problem+json").result(Json.write(body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            });
            config.routes.exception(io.trailboss.expr.Playground.Failure.class, (e, ctx) -> {
                Map<String, Object> where = new LinkedHashMap<>();
                if (e.kind() != null) where.put("kind", e.kind());
                if (e.position() >= 0) where.put("position", e.position());
                problem(ctx, e.syntax() ? 400 : 422, e.getMessage(), "expression", null, where);
            });
            config.routes.exception(InvalidInputException.class, (e, ctx) -> problem(ctx, 400, e.getMessage(), e.field(), null));
            config.routes.exception(io.trailboss.target.TargetException.class, (e, ctx) -> {
                if (e.kind() == io.trailboss.target.TargetException.Kind.NOT_FOUND && ctx.path().startsWith("/ui/")) {
                    io.trailboss.ui.UiRoutes.notFound(ctx, e.getMessage());
                    return;
                }
                problem(ctx, switch (e.kind()) {
                    case INVALID -> 400;
                    case NOT_FOUND -> 404;
                    case CONFLICT -> 409;
                }, e.getMessage(), e.field(), null);
            });
            config.routes.exception(io.trailboss.operation.FormException.class, (e, ctx) -> problem(ctx, 400, e.getMessage(),
                    e.errors().size() == 1 ? e.errors().getFirst().field() : null, null, Map.of("errors", e.errors().stream()
                            .map(fe -> Map.of("field", fe.field(), "message", fe.message())).toList())));
            config.routes.exception(io.trailboss.engine.UnauthorizedException.class, (e, ctx) -> {
                ctx.header("WWW-Authenticate", "Bearer");
                problem(ctx, 401, e.getMessage(), null, null);
            });
            config.routes.exception(NotFoundException.class, (e, ctx) -> {
                if (ctx.path().startsWith("/ui/")) io.trailboss.ui.UiRoutes.notFound(ctx, e.getMessage());
                else problem(ctx, 404, e.getMessage(), null, null);
            });
            config.routes.exception(ConflictException.class, (e, ctx) -> problem(ctx, 409, e.getMessage(), null, null, e.details()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, e.getStatus(), e.getMessage(), null, null));
            config.routes.exception(Exception.class, (e, ctx) -> {
                String request;
                try {
                    request = ctx.method() + " " + ctx.path();
                } catch (RuntimeException gone) {
                    // the request is already over (an event stream whose client left): nothing to answer, and a
                    // handler that threw here would be handed its own exception again, without end
                    LOG.debug("a finished request failed: {}", e.toString());
                    return;
                }
                org.eclipse.jetty.http.HttpException unreadable = clientFault(e);
                if (unreadable != null) {
                    // Jetty drops the connection after a body it could not parse: the answer says so, or a client
                    // that keeps connections alive would send its next request into a closed one
                    ctx.header("Connection", "close");
                    problem(ctx, unreadable.getCode(), "the request cannot be read: " + ((Throwable) unreadable).getMessage(), null, null);
                    return;
                }
                LOG.error("request {} failed", request, e);
                problem(ctx, 500, "internal error: " + e.getClass().getSimpleName(), null, null);
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) problem(ctx, 404, "no such resource: " + ctx.method() + " " + ctx.path(), null, null);
            });
            config.routes.error(413, ctx -> problem(ctx, 413, "request body larger than " + MAX_BODY + " bytes", null, null));
        });
    }

    public ApiServer start() {
        app.start();
        tb.node().port(app.port());
        CertificateFiles tls = transport.tls();
        if (tls == null) {
            tb.serverUrl("http://" + urlHost(connectHost()) + ":" + app.port());
        } else {
            callbackOverTls(tls.current());
            tls.onChange(this::callbackOverTls);
        }
        return this;
    }

    /** The URL of this server as seen from this machine ({@code https://...} when it serves TLS). */
    public String url() {
        CertificateFiles tls = transport.tls();
        String name = tls == null ? connectHost() : callbackHost(tls.current().certificate());
        return (tls == null ? "http" : "https") + "://" + urlHost(name) + ":" + app.port();
    }

    /**
     * Jobs of this node call back with a name the certificate holds (a job's client checks it), and trust the
     * chain served (files under the state directory, named in their environment).
     */
    private void callbackOverTls(CertificateFiles.Loaded loaded) {
        try {
            Path dir = transport.stateDir() != null ? transport.stateDir() : stateDir();
            tb.serverCallback(url(), CallbackTrust.environment(loaded.chain(), dir));
        } catch (java.io.IOException e) {
            LOG.error("cannot write the CA files jobs need to call this server back; their calls may fail", e);
            tb.serverUrl(url());
        }
    }

    private volatile Path tempState;

    private synchronized Path stateDir() throws java.io.IOException {
        if (tempState == null) tempState = java.nio.file.Files.createTempDirectory("trailboss-tls-");
        return tempState;
    }

    /** The address a client on this machine connects to: the one listened on, or loopback for a wildcard. */
    private String connectHost() {
        return "0.0.0.0".equals(host) || "::".equals(host) || "[::]".equals(host) || host == null || host.isBlank() ? "127.0.0.1" : host;
    }

    /** A name of the certificate under which this machine reaches the server: the address listened on, else localhost, else its first DNS name. */
    private String callbackHost(java.security.cert.X509Certificate certificate) {
        java.util.Set<String> names = SelfSignedCertificate.subjectAltNames(certificate);
        String base = connectHost();
        String normalized = base;
        try {
            if (base.matches("[0-9a-fA-F:.]+")) normalized = java.net.InetAddress.getByName(base).getHostAddress().toLowerCase(java.util.Locale.ROOT);
        } catch (java.io.IOException e) {
            // left as given
        }
        if (names.contains(normalized.toLowerCase(java.util.Locale.ROOT))) return base;
        boolean loopback = normalized.startsWith("127.") || normalized.equals("0:0:0:0:0:0:0:1") || base.equals("localhost");
        if (loopback && names.contains("localhost")) return "localhost";
        for (String n : names) if (!n.contains("*") && !n.contains(":") && !n.matches("[0-9.]+")) return n;
        return base;
    }

    private static String urlHost(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * The fingerprint an agent token carries so that the agent trusts this server from its first connection: the
     * chain's self-signed certificate (this server's own, or the root of the CA that issued it); none for a
     * certificate from a CA not sent along (an agent checks that one against its CAs) or without TLS.
     */
    String enrollmentPin() {
        CertificateFiles tls = transport.tls();
        if (tls == null) return null;
        java.security.cert.X509Certificate root = tls.current().selfSigned();
        return root == null ? null : Fingerprints.hex(root);
    }

    /** Never throws: Javalin would handle a failing request logger as a failed request, again and again. */
    private static void timeRequest(Trailboss tb, Context ctx, Float ms) {
        try {
            tb.metrics().httpRequest(ctx.method().name(), route(ctx), ctx.statusCode(), java.time.Duration.ofNanos((long) (ms * 1_000_000)));
        } catch (RuntimeException e) {
            // the request is gone (an event stream that ends after its server stopped): nothing to time
        }
    }

    /** The matched route template (never the raw path, whose ids would make a meter per request). */
    private static String route(Context ctx) {
        try {
            io.javalin.router.Endpoint e = ctx.endpoints().matchedHttpEndpoint();
            return e != null ? e.path : "unmatched";
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    /** A registered route: method, path template and its access roles (empty: registered without one). */
    public record Route(String method, String path, java.util.Set<Access> roles) {}

    /** Every HTTP route as Javalin's router holds it (so a test can check that none is left without a role). */
    public List<Route> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(p -> p.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> {
                    io.javalin.security.Roles roles = e.metadata(io.javalin.security.Roles.class);
                    java.util.Set<Access> set = new java.util.TreeSet<>();
                    if (roles != null) roles.getRoles().forEach(r -> set.add((Access) r));
                    return new Route(e.method.name(), e.path, java.util.Set.copyOf(set));
                }).toList();
    }

    public int port() {
        return app.port();
    }

    /**
     * Jetty's refusal of a request it could not read (a malformed multipart or form body, met when a handler asks
     * for its fields), wrapped by the servlet layer; null for anything else.
     */
    private static org.eclipse.jetty.http.HttpException clientFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.jetty.http.HttpException h && h.getCode() >= 400 && h.getCode() < 500) return h;
        }
        return null;
    }

    /**
     * What Jetty answers itself, before any route: a request it cannot parse (a NUL or invalid UTF-8 in the path, a
     * bad header) gets problem+json like every other refusal, whatever its method; the connection is closed after it,
     * and the answer says so, because Jetty does not read on after a malformed request.
     */
    private static final class JettyRefusals extends org.eclipse.jetty.server.handler.ErrorHandler {
        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, org.eclipse.jetty.util.Callback callback) {
            int status = response.getStatus() >= 400 ? response.getStatus() : 500;
            String message = request.getAttribute(ERROR_MESSAGE) instanceof String m && !m.isBlank() ? m : org.eclipse.jetty.http.HttpStatus.getMessage(status);
            String detail = status < 500 ? "malformed request: " + message : "the server could not answer: " + message;
            generateCacheControl(response);
            response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/problem+json");
            response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONNECTION, "close");
            byte[] body = Json.write(problemBody(status, detail)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            response.write(true, java.nio.ByteBuffer.wrap(body), callback);
            return true;
        }
    }

    private static Map<String, Object> problemBody(int status, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 422 -> "Unprocessable Content";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        });
        body.put("status", status);
        body.put("detail", detail);
        return body;
    }

    private static void problem(Context ctx, int status, String detail, String field, List<DefinitionException.Problem> problems) {
        problem(ctx, status, detail, field, problems, Map.of());
    }

    /** {@code details}: more about the problem for clients (for a refused control: each task and its state). */
    private static void problem(Context ctx, int status, String detail, String field, List<DefinitionException.Problem> problems,
            Map<String, Object> details) {
        Map<String, Object> body = problemBody(status, detail);
        if (field != null) body.put("field", field);
        if (problems != null) {
            body.put("errors", problems.stream().map(p -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("line", p.line());
                e.put("column", p.column());
                e.put("path", p.path());
                e.put("message", p.message());
                return e;
            }).toList());
            body.put("detail", problems.stream().map(DefinitionException.Problem::toString).reduce((a, b) -> a + "; " + b).orElse(detail));
        }
        details.forEach(body::putIfAbsent);
        // Mistral's client shows an error's "faultstring" (Mistral's own error shape), and nothing else of the body
        if (ctx.path().startsWith("/mistral/")) body.put("faultstring", body.get("detail"));
        try {
            // bytes, in UTF-8: given a string, Jetty would encode it in ISO-8859-1 for this content type
            ctx.status(status).contentType("application/problem+json").result(Json.write(body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException gone) {
            LOG.debug("no answer for a request that is already over: {}", gone.toString());
        }
    }

    private static String openApiJson() {
        try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.yaml")) {
            Object doc = new ObjectMapper(new YAMLFactory()).readValue(in, Object.class);
            return Json.write(doc);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the OpenAPI document", e);
        }
    }

    @Override
    public void close() {
        app.stop();
        if (transport.tls() != null) transport.tls().close();
        Path temp = tempState;
        if (temp != null) {
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(temp)) {
                for (Path f : files.toList()) java.nio.file.Files.deleteIfExists(f);
                java.nio.file.Files.deleteIfExists(temp);
            } catch (java.io.IOException e) {
                LOG.debug("temporary CA files left in {}: {}", temp, e.toString());
            }
        }
    }
}
