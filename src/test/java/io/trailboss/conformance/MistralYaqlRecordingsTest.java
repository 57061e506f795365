package io.trailboss.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Workflows written in YAQL, run on the real Mistral 15 and recorded (src/test/resources/mistral/yaql, with the
 * script that recorded them), replayed through Trailboss's /mistral/v2 API on H2 and PostgreSQL: the execution's
 * state and output and each task's state and published values must be what Mistral gave. Ids, timestamps and
 * Mistral's Python tracebacks are not compared (the recordings' README lists them); an error is compared by the
 * failing expression and yaql's error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MistralYaqlRecordingsTest {
    private static final Path ROOT = root();
    private static final Set<String> FINAL = Set.of("SUCCESS", "ERROR", "CANCELLED");
    /** The part of Mistral's message about an expression that does not depend on its ids and data. */
    private static final Pattern EXPRESSION_ERROR = Pattern.compile("Can not evaluate YAQL expression \\[expression=(.*?), error=(.*?)(?:, data=|\\])",
            Pattern.DOTALL);
    /**
     * Where Trailboss still differs from the recording, and why. Each is checked to differ still: when one comes to
     * match, this test fails until it is taken off the list.
     */
    private static final Map<String, String> KNOWN_DIFFERENCES = Map.ofEntries(
            Map.entry("06-join-one", "Mistral runs a 'join: 1' task's action again when a later branch arrives; Trailboss runs it once"),
            Map.entry("07-with-items-single", "task().result of a with-items over an empty list is [] here; Mistral gives the previous task's result"),
            Map.entry("16-execution-fn", "execution() has no 'spec' and its params no 'namespace'"),
            Map.entry("17-task-fns", "an action's error text is its own message here; Mistral wraps it ('The action raised an exception [...]'); task() has no 'spec'"),
            Map.entry("25-inline-bare-word", "an unquoted inline word is taken as text here; Mistral drops it and fails for the missing input"));

    private final Map<String, TestServer> servers = new ConcurrentHashMap<>();

    @AfterAll
    void close() {
        servers.values().forEach(TestServer::close);
    }

    private TestServer server(String db) {
        return servers.computeIfAbsent(db, kind -> new TestServer(TestDatabases.of(kind)));
    }

    Stream<Arguments> recordings() throws IOException {
        List<Path> cases;
        try (Stream<Path> s = Files.list(ROOT)) {
            cases = s.filter(Files::isDirectory).sorted().toList();
        }
        return Stream.of("h2", "postgres").flatMap(db -> cases.stream().map(c -> Arguments.of(db, c.getFileName().toString())));
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("recordings")
    void runs_as_mistral_15_ran_it(String db, String name) throws Exception {
        String known = KNOWN_DIFFERENCES.get(name);
        if (known == null) {
            replay(db, name);
            return;
        }
        try {
            replay(db, name);
        } catch (AssertionError stillDiffers) {
            String what = String.valueOf(stillDiffers.getMessage());
            Assumptions.abort("known difference from Mistral 15: " + known + "; now: " + what.substring(Math.max(0, what.indexOf("expected")), Math.min(what.length(), Math.max(0, what.indexOf("expected")) + 400)));
        }
        throw new AssertionError(name + " now runs as Mistral 15 ran it: take it off KNOWN_DIFFERENCES");
    }

    @SuppressWarnings("unchecked")
    private void replay(String db, String name) throws Exception {
        Path dir = ROOT.resolve(name);
        TestServer server = server(db);
        Map<String, Object> recorded = (Map<String, Object>) Json.read(Files.readString(dir.resolve("recorded.json")));
        String yaml = Files.readString(dir.resolve("workflow.yaml"));
        // several recordings run one workflow with different input: each upload starts from nothing, as recorded
        for (String wf : workflows(yaml)) server.send("DELETE", "/mistral/v2/workflows/" + wf, null, null);
        TestServer.Answer upload = server.send("POST", "/mistral/v2/workflows", "text/plain", yaml);
        if (recorded.containsKey("rejected_at")) {
            assertThat(upload.status()).as(upload.body()).isEqualTo(((Number) recorded.get("http_status")).intValue());
            return;
        }
        assertThat(upload.status()).as(upload.body()).isEqualTo(201);
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("workflow_name", firstWorkflow(yaml));
        start.put("input", Files.readString(dir.resolve("input.json")).strip());
        start.put("params", Files.readString(dir.resolve("params.json")).strip());
        TestServer.Answer started = server.postJson("/mistral/v2/executions", start);
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = (String) started.map().get("id");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> FINAL.contains(String.valueOf(server.get("/mistral/v2/executions/" + id).map().get("state"))));
        Map<String, Object> execution = server.get("/mistral/v2/executions/" + id).map();
        List<Map<String, Object>> tasks = new ArrayList<>((List<Map<String, Object>>) server.get("/mistral/v2/executions/" + id + "/tasks").map().get("tasks"));
        tasks.sort(Comparator.comparing(t -> String.valueOf(t.get("name"))));

        String why = "execution: " + execution + "\ntasks: " + tasks;
        assertThat(execution.get("state")).as(why).isEqualTo(recorded.get("state"));
        assertSameError(String.valueOf(execution.get("state_info")), (String) recorded.get("state_info_summary"), why);
        Object output = Json.readLenient((String) execution.get("output"));
        assertThat(comparable(output)).as("output; " + why).isEqualTo(comparable(recorded.get("output")));

        List<Map<String, Object>> expectedTasks = (List<Map<String, Object>>) recorded.get("tasks");
        assertThat(tasks.stream().map(t -> t.get("name")).toList()).as(why)
                .isEqualTo(expectedTasks.stream().map(t -> t.get("name")).toList());
        for (int i = 0; i < tasks.size(); i++) {
            Map<String, Object> ours = tasks.get(i);
            Map<String, Object> theirs = expectedTasks.get(i);
            String task = "task " + theirs.get("name") + "; " + why;
            assertThat(ours.get("state")).as(task).isEqualTo(theirs.get("state"));
            assertThat(comparable(Json.readLenient((String) ours.get("published")))).as(task).isEqualTo(comparable(theirs.get("published")));
            assertSameError(String.valueOf(ours.get("state_info")), (String) theirs.get("state_info_summary"), task);
        }
    }

    /** An expression error is the same when it names the same expression and yaql error; other texts must be equal. */
    private static void assertSameError(String ours, String theirs, String why) {
        if (theirs == null) return;
        Matcher m = EXPRESSION_ERROR.matcher(theirs);
        if (m.find()) {
            assertThat(ours).as(why).contains("Can not evaluate YAQL expression [expression=" + m.group(1) + ", error=" + m.group(2));
        } else if (!theirs.contains("_ex_id=")) {
            // Mistral's state_info goes on with ":" and a Python traceback
            assertThat(ours).as(why).isEqualTo(theirs.strip().replaceAll(":$", ""));
        }
    }

    /** Values with the ids Mistral puts in them masked, and a failed workflow's text result reduced to its error. */
    @SuppressWarnings("unchecked")
    private static Object comparable(Object value) {
        return switch (value) {
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                ((Map<String, Object>) m).forEach((k, v) -> out.put(k, k.endsWith("id") && v instanceof String ? "<id>" : comparable(v)));
                yield out;
            }
            case List<?> l -> l.stream().map(MistralYaqlRecordingsTest::comparable).toList();
            case String s when s.contains(":\nTraceback (most recent call last):") -> comparable(s.substring(0, s.indexOf(":\nTraceback (most recent call last):")));
            case String s when s.matches("(?s).*(task_ex_id|action_ex_id|wf_ex_id)=[0-9a-f-]{20,}.*") ->
                    comparable(s.replaceAll("(task_ex_id|action_ex_id|wf_ex_id)=[0-9a-f-]{20,}", "$1=<id>"));
            case String s when s.contains("Can not evaluate YAQL expression") -> {
                Matcher m = EXPRESSION_ERROR.matcher(s);
                yield m.find() ? "error in " + m.group(1) + ": " + m.group(2) : s;
            }
            case String s when s.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d") -> "<time>";
            case Number n when n.doubleValue() == Math.rint(n.doubleValue()) && !(n instanceof Double) -> n.longValue();
            case null, default -> value;
        };
    }

    private static String firstWorkflow(String yaml) throws IOException {
        return workflows(yaml).getFirst();
    }

    @SuppressWarnings("unchecked")
    private static List<String> workflows(String yaml) throws IOException {
        Map<String, Object> doc = new ObjectMapper(new YAMLFactory()).readValue(yaml, Map.class);
        return doc.keySet().stream().filter(k -> !k.equals("version")).toList();
    }

    private static Path root() {
        try {
            return Path.of(MistralYaqlRecordingsTest.class.getResource("/mistral/yaql").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
