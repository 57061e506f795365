package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.api.HostileRequests.Case;
import io.trailboss.auth.Auth;
import io.trailboss.json.Json;
import io.trailboss.store.Database;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every write route of the served OpenAPI document (and every web UI form post of the router), on a real server
 * with authentication, over real objects: hostile path parameters and hostile bodies made from the route's valid
 * body, field by field by the type the document gives (see {@link HostileRequests}). No answer may be a 5xx, and
 * every 4xx must say what is wrong (problem+json with a detail, ARA's {detail}, or a page for the web UI). All
 * failures are collected and reported together. The draw is seeded ({@code -Dtrailboss.fuzz.seed=N} for another).
 */
class WriteRouteFuzzTest {
    static final long SEED = Long.getLong("trailboss.fuzz.seed", 20261207L);
    /** Write routes that read no body (the document gives them none, and says so by omission). */
    static final Set<String> TAKE_NO_BODY = Set.of("POST /logout", "POST /api/v1/users/{name}/disable", "POST /api/v1/triggers/{name}/pause",
            "POST /api/v1/triggers/{name}/resume", "POST /api/v1/agent/hello");
    /** Routes that end what other routes use (the user that logs in, the agent's jobs): they go last, with the deletes and the pruning of recordings. */
    static final List<String> LAST = List.of("POST /api/v1/users/{name}/disable", "POST /api/v1/agent/hello");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void every_write_route_of_the_router_is_in_the_openapi_document_with_its_request_body() {
        try (TestServer server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED)) {
            OpenApiDocument doc = document(server);
            assertThat(doc.unresolvedRefs()).as("$refs that point nowhere").isEmpty();
            assertThat(doc.undeclaredPathParams()).as("path template parameters not declared").isEmpty();
            Set<String> documented = new TreeSet<>(doc.writes().stream().map(OpenApiDocument.Operation::key).toList());
            Set<String> routed = new TreeSet<>(apiWrites(server));
            assertThat(routed).as("write routes of the router missing from the OpenAPI document").isSubsetOf(documented);
            assertThat(documented).as("write operations of the document that no route serves").isSubsetOf(routed);
            assertThat(doc.writes()).filteredOn(op -> !op.method().equals("DELETE") && op.content().isEmpty() && !TAKE_NO_BODY.contains(op.key()))
                    .extracting(OpenApiDocument.Operation::key).as("writes documented without a request body").isEmpty();
            assertThat(doc.writes()).filteredOn(op -> op.content().values().stream().anyMatch(s -> s == null))
                    .extracting(OpenApiDocument.Operation::key).as("request bodies without a schema").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void no_write_route_answers_hostile_input_with_a_server_error(String db) {
        Database database = db.equals("h2") ? TestDatabases.h2() : Database.connect(TestDatabases.freshPostgresUrl(), null, null, 4);
        try (TestServer server = new TestServer(database, Clock.systemUTC(), Auth.Mode.REQUIRED)) {
            long setUp = System.nanoTime();
            FuzzFixture fixture = new FuzzFixture(server);
            long started = System.nanoTime();
            OpenApiDocument doc = document(server);
            Map<String, ApiServer.Route> router = new LinkedHashMap<>();
            for (ApiServer.Route r : server.api.routes()) router.putIfAbsent(r.method() + " " + r.path(), r);

            List<Target> targets = targets(doc, router.values());
            Set<String> fuzzed = new TreeSet<>(targets.stream().map(Target::key).toList());
            Set<String> writes = new TreeSet<>(router.keySet().stream().filter(k -> !k.startsWith("GET ") && !k.startsWith("HEAD ")).toList());
            assertThat(fuzzed).as("write routes the fuzz did not reach").containsAll(writes);

            List<String> failures = new ArrayList<>();
            int cases = 0;
            int validOk = 0;
            List<String> validRefused = new ArrayList<>();
            List<String> slow = new ArrayList<>();
            Map<String, Long> msByTarget = new LinkedHashMap<>();
            for (Target t : targets) {
                long targetStart = System.nanoTime();
                List<Case> planned = plan(t, doc, fixture);
                Map<String, String> headers = credentials(router.get(t.key()), fixture);
                for (int i = 0; i < planned.size(); i++) {
                    Case c = planned.get(i);
                    fixture.keepAlive();
                    boolean valid = i == planned.size() - 1; // the plan ends with the valid request
                    long at = System.nanoTime();
                    Answer a = send(server, t.method(), c, headers, cases);
                    long ms = (System.nanoTime() - at) / 1_000_000;
                    cases++;
                    if (ms > 2000) slow.add(ms + " ms: " + t.label() + " " + c.label());
                    String wrong = judge(t, a);
                    if (wrong != null) {
                        failures.add(t.label() + "\n    case: " + c.label() + "\n    path: " + c.path() + "\n    sent: " + c.contentType() + " " + c.bodyPreview()
                                + "\n    got:  " + wrong);
                    }
                    if (valid) {
                        if (a.status() >= 200 && a.status() < 400) validOk++;
                        else validRefused.add(t.label() + " -> " + a.status() + " " + abbreviate(a.text(), 200));
                    }
                }
                msByTarget.put(t.label() + " (" + planned.size() + ")", (System.nanoTime() - targetStart) / 1_000_000);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            fixture.close();
            System.out.printf("[fuzz %s] seed %d: %d targets (%d write routes), %d requests in %.1f s (fixture %.1f s); valid body accepted on %d; %d failures%n",
                    db, SEED, targets.size(), writes.size(), cases, seconds, (started - setUp) / 1e9, validOk, failures.size());
            validRefused.forEach(v -> System.out.println("[fuzz " + db + "] valid body refused (the fixture's, not a failure): " + v));
            slow.forEach(s -> System.out.println("[fuzz " + db + "] slow: " + s));
            msByTarget.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .forEach(e -> System.out.println("[fuzz " + db + "] time: " + e.getValue() + " ms " + e.getKey()));
            failures.forEach(f -> System.out.println("[fuzz " + db + "] FAILURE " + f));
            assertThat(server.get("/health/live").status()).isEqualTo(200);
            assertThat(failures).as(failures.size() + " hostile requests were answered with a 5xx or a 4xx that does not say why (seed " + SEED + ")")
                    .isEmpty();
        }
    }

    // ------------------------------------------------------------------ what is fuzzed

    /** A route as fuzzed: an operation of the document, or a web UI form post; ARA's routes once per recorded kind. */
    record Target(String method, String path, Map<String, Object> content, String resource) {
        String key() {
            return method + " " + path;
        }

        String label() {
            return key() + (resource == null ? "" : " [" + resource + "]");
        }
    }

    private static List<Target> targets(OpenApiDocument doc, java.util.Collection<ApiServer.Route> routes) {
        List<Target> out = new ArrayList<>();
        for (OpenApiDocument.Operation op : doc.writes()) {
            if (op.path().startsWith("/ara/")) {
                for (String kind : FuzzFixture.ARA_KINDS) out.add(new Target(op.method(), op.path(), op.content(), kind));
            } else {
                out.add(new Target(op.method(), op.path(), op.content(), null));
            }
        }
        // the web UI's form posts answer pages, not API documents: they are not in the OpenAPI document, but fuzzed all the same
        for (ApiServer.Route r : routes) {
            if (r.path().startsWith("/ui/") && !r.method().equals("GET") && !r.method().equals("HEAD")) {
                out.add(new Target(r.method(), r.path(), Map.of("application/x-www-form-urlencoded", Map.of("type", "object")), null));
            }
        }
        out.sort(Comparator.comparingInt(WriteRouteFuzzTest::rank));
        return out;
    }

    private static int rank(Target t) {
        if (t.key().equals("POST /login")) return 0;
        if (LAST.contains(t.key())) return 2 + LAST.indexOf(t.key());
        if (t.method().equals("DELETE")) return 10;
        if (t.key().equals("POST /api/v1/recordings/prune")) return 20;
        return 1;
    }

    /** The requests for one route: hostile bodies per media type, hostile path parameters, and last the valid request. */
    private static List<Case> plan(Target t, OpenApiDocument doc, FuzzFixture fixture) {
        Random random = new Random(SEED ^ t.label().hashCode());
        Map<String, String> real = fixture.pathValues(t.path(), t.resource());
        String path = HostileRequests.fill(t.path(), real, null, null);
        List<Case> out = new ArrayList<>();
        Case valid = null;
        for (Map.Entry<String, Object> media : t.content().entrySet()) {
            String type = media.getKey();
            Object schema = media.getValue();
            List<Case> cases;
            Case ok;
            if (type.contains("form")) {
                Map<String, String> form = fixture.form(t.key());
                cases = HostileRequests.form(path, form, random);
                ok = new Case("valid form", path, type, HostileRequests.formText(form).getBytes(StandardCharsets.UTF_8));
            } else if (type.contains("yaml") || type.startsWith("text/")) {
                String text = fixture.text(t.key());
                if (text == null) text = Json.write(jsonBase(t, schema, doc, fixture));
                cases = HostileRequests.yaml(path, type, text, schema, doc, random);
                ok = new Case("valid " + type, path, type, text.getBytes(StandardCharsets.UTF_8));
            } else {
                Object base = jsonBase(t, schema, doc, fixture);
                cases = HostileRequests.json(path, type, base, schema, doc, random);
                ok = new Case("valid JSON", path, type, Json.write(base).getBytes(StandardCharsets.UTF_8));
            }
            out.addAll(cases);
            if (valid == null) valid = ok;
        }
        if (t.content().isEmpty()) {
            if (!t.method().equals("DELETE")) out.addAll(HostileRequests.unexpectedBodies(path));
            valid = new Case("no body", path, null, null);
        }
        for (String[] segment : HostileRequests.pick(HostileRequests.HOSTILE_SEGMENTS, 6, random)) {
            List<String> params = new ArrayList<>(java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(t.path()).results().map(m -> m.group(1)).toList());
            if (params.isEmpty()) break;
            String param = params.get(random.nextInt(params.size()));
            out.add(new Case("path {" + param + "} := " + segment[1], HostileRequests.fill(t.path(), real, param, segment[0]), valid.contentType(), valid.body()));
        }
        out.add(valid);
        return out;
    }

    /** The fixture's valid body for the route, else one the schema describes; keys sorted, so that a seed draws the same. */
    private static Object jsonBase(Target t, Object schema, OpenApiDocument doc, FuzzFixture fixture) {
        Object given = fixture.json(t.key(), t.resource());
        return canonical(given != null ? given : fromSchema(schema, doc, 0));
    }

    private static Object fromSchema(Object schema, OpenApiDocument doc, int depth) {
        String type = doc.type(schema);
        List<?> choices = doc.enumOf(schema);
        if (choices != null && !choices.isEmpty()) return choices.getFirst();
        if (type == null) return "fz";
        return switch (type) {
            case "object" -> {
                Map<String, Object> m = new TreeMap<>();
                if (depth < 3) for (String p : doc.properties(schema)) m.put(p, fromSchema(doc.member(schema, p), doc, depth + 1));
                yield m;
            }
            case "array" -> depth < 3 ? List.of(fromSchema(doc.items(schema), doc, depth + 1)) : List.of();
            case "integer", "number" -> 1;
            case "boolean" -> false;
            default -> "fz";
        };
    }

    private static Object canonical(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), canonical(val)));
            return out;
        }
        if (v instanceof List<?> l) return l.stream().map(WriteRouteFuzzTest::canonical).toList();
        return v;
    }

    /**
     * Who calls: agents with the agent's token, jobs with a running job's token, a webhook with its trigger's token,
     * the public login as nobody; null: the admin token (every other route).
     */
    private static Map<String, String> credentials(ApiServer.Route route, FuzzFixture fixture) {
        Set<Access> roles = route.roles();
        if (route.path().equals("/api/v1/hooks/{name}")) return Map.of(io.trailboss.trigger.Triggers.TOKEN_HEADER, fixture.hookSecret);
        if (roles.contains(Access.PUBLIC)) return Map.of();
        if (roles.contains(Access.AGENT)) return Map.of("Authorization", "Bearer " + fixture.agentToken);
        if (roles.equals(Set.of(Access.JOB))) return Map.of("Authorization", "Bearer " + fixture.jobToken);
        return null;
    }

    // ------------------------------------------------------------------ sending and judging

    record Answer(int status, String contentType, byte[] body, String error) {
        String text() {
            return body == null ? "" : new String(body, StandardCharsets.UTF_8);
        }
    }

    private Answer send(TestServer server, String method, Case c, Map<String, String> credentials, int n) {
        byte[] body = c.body() == null ? null : new String(c.body(), StandardCharsets.ISO_8859_1).replace("@N@", String.valueOf(n)).replace("%40N%40", String.valueOf(n))
                .getBytes(StandardCharsets.ISO_8859_1);
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + c.path())).timeout(Duration.ofSeconds(45));
            if (credentials == null) b.header("Authorization", "Bearer " + server.adminToken);
            else credentials.forEach(b::header);
            if (c.contentType() != null) b.header("Content-Type", c.contentType());
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), null);
        } catch (Exception e) {
            return new Answer(0, "", null, e.toString());
        }
    }

    /** Why the answer is wrong, or null: a 5xx or no answer; a 4xx whose body does not say what was wrong. */
    private static String judge(Target t, Answer a) {
        if (a.error() != null) return "no answer: " + a.error();
        String shown = a.status() + " " + a.contentType() + " " + abbreviate(a.text(), 400);
        if (a.status() >= 500) return shown;
        if (a.status() < 400) return null;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(a.body())).toString();
        } catch (CharacterCodingException e) {
            return "a 4xx whose body is not UTF-8: " + shown;
        }
        String type = a.contentType().toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/problem+json") || type.startsWith("application/json")) {
            try {
                if (Json.read(text) instanceof Map<?, ?> m && m.get("detail") instanceof String d && !d.isBlank()) return null;
            } catch (IllegalArgumentException e) {
                return "a 4xx whose JSON does not parse: " + shown;
            }
            return "a 4xx without a detail: " + shown;
        }
        boolean pages = t.path().startsWith("/ui/") || t.path().equals("/login");
        if (pages && type.startsWith("text/html") && !text.isBlank()) return null;
        return "a 4xx without an error body (problem+json with a detail" + (pages ? ", or a page" : "") + "): " + shown;
    }

    private static String abbreviate(String s, int max) {
        String one = s.replace("\n", "\\n");
        return one.length() > max ? one.substring(0, max) + "…" : one;
    }

    private static OpenApiDocument document(TestServer server) {
        HttpResponse<String> r = server.raw("GET", "/api/openapi.json", Map.of(), null);
        assertThat(r.statusCode()).as("the OpenAPI document is served without credentials").isEqualTo(200);
        return new OpenApiDocument(Json.readMap(r.body()));
    }

    private static List<String> apiWrites(TestServer server) {
        Set<String> out = new LinkedHashSet<>();
        for (ApiServer.Route r : server.api.routes()) {
            if (!r.method().equals("GET") && !r.method().equals("HEAD") && !r.path().startsWith("/ui/")) out.add(r.method() + " " + r.path());
        }
        return List.copyOf(out);
    }
}
