package io.trailboss.action;

import io.trailboss.definition.DefinitionException;
import io.trailboss.definition.InputParam;
import io.trailboss.definition.YamlNode;
import io.trailboss.definition.YamlReader;
import io.trailboss.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code ansible}: runs {@code ansible-playbook} once over all its hosts and records the run through
 * ARA's callback into this server's recording store ({@code TRAILBOSS_SERVER/ara}).
 *
 * <p>Inputs: {@code playbook} (inline YAML, or a path when it is one line), {@code hosts} (a target
 * selector the server resolves into the targets, each a host with its effective params as host
 * vars) or {@code inventory} (inventory text, or a path), {@code extra_vars}, {@code limit},
 * {@code tags}, {@code check}. The playbook, inventory and vars go to a temporary directory that is
 * removed afterwards; output goes to the job log as it comes.
 *
 * <p>Return codes: 0 succeeds, 2 (a host failed) and 4 (a host was unreachable) fail the job with
 * that reason, any other code fails it as an Ansible error. The result holds the recorded playbook's
 * id and per-host stats and results, read back from the recording; the recorded playbook carries the
 * label {@code trailboss_job:<job id>} and a {@code trailboss_job} record.
 *
 * <p>Write-back: an {@code ara_record} with key {@code trailboss_params:<host>} and a mapping as
 * value sets those params on that host's target after the run (through the job token).
 */
public final class AnsibleAction implements Action {
    /** Label that links a recorded playbook to the job that ran it. */
    public static final String JOB_LABEL = "trailboss_job:";
    public static final String WRITE_BACK_KEY = "trailboss_params:";
    private static final int KEEP_OUTPUT = 64 * 1024;
    private static final Set<String> HOST_INPUTS = Set.of("hosts");
    private static final Set<String> LITERAL_INPUTS = Set.of("playbook", "inventory");

    private final Supplier<Map<String, String>> environment;
    private final JobSandbox sandbox;
    private final HttpClient plainHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The client of the last CA file jobs were given (TRAILBOSS_CA), while that file is unchanged. */
    private volatile TrustedClient trusted;

    private record TrustedClient(String file, java.nio.file.attribute.FileTime modified, HttpClient http) {}
    private volatile AraPlugins plugins;

    /** {@code environment}: variables every run gets; {@code TRAILBOSS_SERVER} is where it records. */
    public AnsibleAction(Supplier<Map<String, String>> environment) {
        this(environment, JobSandbox.none());
    }

    /** {@code sandbox}: how ansible-playbook is started (its environment, user, isolation and limits), as a shell job is. */
    public AnsibleAction(Supplier<Map<String, String>> environment, JobSandbox sandbox) {
        this.environment = environment;
        this.sandbox = sandbox;
    }

    @Override
    public String description() {
        return "Runs an Ansible playbook on the selected targets, as a job.";
    }

    @Override
    public String name() {
        return "ansible";
    }

    @Override
    public List<InputParam> parameters() {
        return List.of(new InputParam("playbook", true, null), new InputParam("hosts", false, null), new InputParam("inventory", false, null),
                new InputParam("extra_vars", false, null), new InputParam("limit", false, null), new InputParam("tags", false, null),
                new InputParam("check", false, false));
    }

    @Override
    public Set<String> literalInputs() {
        return LITERAL_INPUTS;
    }

    @Override
    public Set<String> targetInputs() {
        return HOST_INPUTS;
    }

    @Override
    public ActionResult run(Map<String, Object> input, ActionContext context) throws Exception {
        Map<String, String> env = environment.get();
        String server = env.getOrDefault("TRAILBOSS_SERVER", "");
        Path dir = Files.createTempDirectory("trailboss-ansible-");
        try {
            Path playbook;
            Path inventory;
            try {
                playbook = visible(playbook(input.get("playbook"), dir), dir, "playbook");
                inventory = visible(inventory(input, dir), dir, "inventory");
            } catch (IllegalArgumentException e) {
                return new ActionResult.Failure(e.getMessage(), null);
            }
            List<String> command = new ArrayList<>(List.of("ansible-playbook", "-i", inventory.toString()));
            if (input.get("extra_vars") instanceof Map<?, ?> vars && !vars.isEmpty()) {
                Path file = dir.resolve("extra-vars.json");
                Files.writeString(file, Json.write(vars));
                command.add("--extra-vars");
                command.add("@" + file);
            } else if (input.get("extra_vars") != null && !(input.get("extra_vars") instanceof Map<?, ?>)) {
                return new ActionResult.Failure("extra_vars must be a mapping of variable names to values", null);
            }
            if (input.get("limit") != null) command.addAll(List.of("--limit", listOrString(input.get("limit"))));
            if (input.get("tags") != null) command.addAll(List.of("--tags", listOrString(input.get("tags"))));
            if (Boolean.TRUE.equals(input.get("check")) || "true".equals(String.valueOf(input.get("check")))) command.add("--check");
            command.add(playbook.toString());

            Map<String, String> penv = new LinkedHashMap<>(env);
            penv.put("TRAILBOSS_JOB_ID", context.jobId());
            penv.put("TRAILBOSS_EXECUTION_ID", context.executionId());
            if (context.token() != null) penv.put("TRAILBOSS_TOKEN", context.token());
            // unbuffered: each line reaches the job log when Ansible prints it
            penv.put("PYTHONUNBUFFERED", "1");
            penv.put("ANSIBLE_NOCOLOR", "1");
            penv.put("ANSIBLE_FORCE_COLOR", "0");
            penv.put("ANSIBLE_RETRY_FILES_ENABLED", "0");
            // Ansible's own files stay in the job's directory (its HOME too), the one place a job may write
            penv.put("ANSIBLE_LOCAL_TEMP", dir.resolve(".ansible-tmp").toString());
            boolean recording = !server.isBlank() && plugins().present() && sandbox.sees(Path.of(plugins().callbacks()));
            if (recording) {
                penv.put("ANSIBLE_CALLBACK_PLUGINS", join(penv.get("ANSIBLE_CALLBACK_PLUGINS"), plugins().callbacks()));
                penv.put("ANSIBLE_ACTION_PLUGINS", join(penv.get("ANSIBLE_ACTION_PLUGINS"), plugins().actions()));
                penv.put("ANSIBLE_CALLBACKS_ENABLED", join(penv.get("ANSIBLE_CALLBACKS_ENABLED"), "ara_default"));
                penv.put("ARA_API_CLIENT", "http");
                penv.put("ARA_API_SERVER", server + "/ara");
                if (context.token() != null) {
                    // with authentication on, /ara takes the job's own token (HTTP Basic, user "job") while the job runs
                    penv.put("ARA_API_USERNAME", "job");
                    penv.put("ARA_API_PASSWORD", context.token());
                }
                penv.put("ARA_DEFAULT_LABELS", join(penv.get("ARA_DEFAULT_LABELS"), JOB_LABEL + context.jobId()));
            } else {
                context.log().accept("[trailboss] this run is not recorded: " + (server.isBlank() ? "no server URL is known"
                        : !plugins().present() ? "ARA's callback (python3-ara) is not installed"
                        : "ARA's callback in " + plugins().callbacks() + " is outside what jobs can see (--job-bind it)") + "\n");
            }
            sandbox.handOver(dir);
            Process process;
            try {
                process = sandbox.start(sandbox.processBuilder(command, dir, penv).redirectErrorStream(true));
            } catch (IOException e) {
                return new ActionResult.Failure("cannot run ansible-playbook (is ansible-core installed?): " + e.getMessage(), null);
            }
            ProcessStop.onInterrupt(process, context, sandbox.wrapsJob());
            process.getOutputStream().close();
            StringBuilder kept = new StringBuilder();
            int code;
            try {
                LogRelay.relay(process.getInputStream(), context, kept, KEEP_OUTPUT);
                code = process.waitFor();
            } catch (InterruptedException e) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
                throw e;
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("exit_code", code);
            if (recording) readBack(server, http(env, context), context, result);
            String output = kept.toString();
            result.put("output", output);
            String limit = code == 0 ? null : sandbox.limitReached(code, output);
            if (limit != null) {
                context.log().accept("[trailboss] " + limit + "\n");
                return new ActionResult.Failure("ansible-playbook exited with code " + code + ": " + limit, result);
            }
            return switch (code) {
                case 0 -> new ActionResult.Success(result);
                case 2 -> new ActionResult.Failure("ansible-playbook: one or more hosts failed (exit code 2)", result);
                case 4 -> new ActionResult.Failure("ansible-playbook: one or more hosts were unreachable (exit code 4)", result);
                default -> new ActionResult.Failure("ansible-playbook failed with exit code " + code + " (" + meaning(code) + "); see the job log", result);
            };
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A playbook or inventory given by path must be where the job can read it (under bubblewrap: /usr, /etc, a --job-bind). */
    private Path visible(Path path, Path dir, String what) {
        // a file written into the job's directory, or Ansible's "a,b," host list (not a path)
        if (path.startsWith(dir) || !path.isAbsolute() || sandbox.sees(path)) return path;
        throw new IllegalArgumentException(what + " file '" + path + "' is outside what jobs can see (/usr, /etc, their own directory"
                + (sandbox.binds().isEmpty() ? "" : ", " + String.join(", ", sandbox.binds().stream().map(Path::toString).toList()))
                + "): start the server or agent with --job-bind and a directory that holds it");
    }

    private static String meaning(int code) {
        return switch (code) {
            case 1 -> "error";
            case 3 -> "other error";
            case 5 -> "bad or incomplete options";
            case 99 -> "interrupted";
            case 126, 127 -> "ansible-playbook could not be started: is ansible-core installed?";
            case 250 -> "unexpected error";
            default -> "error";
        };
    }

    /** Inline YAML (checked here so that a typo fails with its line and column) or the path of a playbook file. */
    static Path playbook(Object value, Path dir) throws IOException {
        if (!(value instanceof String text) || text.isBlank()) throw new IllegalArgumentException("playbook must be inline YAML or the path of a playbook file");
        if (!text.contains("\n")) {
            Path path = Path.of(text.trim());
            if (!Files.isRegularFile(path)) throw new IllegalArgumentException("playbook file '" + text.trim() + "' does not exist on " + hostName());
            return path.toAbsolutePath();
        }
        YamlNode root;
        try {
            root = YamlReader.read(text);
        } catch (DefinitionException e) {
            throw new IllegalArgumentException("playbook is not valid YAML: " + e.getMessage());
        }
        if (!(root instanceof YamlNode.Sequence)) throw new IllegalArgumentException("playbook must be a YAML list of plays (line " + root.line() + ")");
        Path file = dir.resolve("playbook.yml");
        Files.writeString(file, text);
        return file;
    }

    /** {@code hosts} (resolved targets) become a YAML inventory (a JSON document): group {@code all} and one group per kind. */
    @SuppressWarnings("unchecked")
    static Path inventory(Map<String, Object> input, Path dir) throws IOException {
        Object given = input.get("inventory");
        Object hosts = input.get("hosts");
        if (given != null && hosts != null) throw new IllegalArgumentException("give either hosts or inventory, not both");
        if (given instanceof String text && !text.isBlank()) {
            if (!text.contains("\n") && !text.contains(",") && Files.exists(Path.of(text.trim()))) return Path.of(text.trim()).toAbsolutePath();
            if (!text.contains("\n") && text.contains(",")) return Path.of(text.trim()); // Ansible's "a,b," host list
            Path file = dir.resolve("inventory");
            Files.writeString(file, text);
            return file;
        }
        Map<String, Object> all = new LinkedHashMap<>();
        Map<String, Object> allHosts = new LinkedHashMap<>();
        Map<String, Object> groups = new LinkedHashMap<>();
        if (hosts instanceof List<?> list) {
            for (Object h : list) {
                Map<String, Object> t = (Map<String, Object>) h;
                String name = String.valueOf(t.get("name"));
                Map<String, Object> vars = new LinkedHashMap<>();
                if (t.get("params") instanceof Map<?, ?> p) p.forEach((k, v) -> vars.put(String.valueOf(k), v));
                vars.put("trailboss_target", Map.of("name", name, "kind", String.valueOf(t.get("kind")), "labels", t.getOrDefault("labels", Map.of())));
                allHosts.put(name, vars);
                String group = String.valueOf(t.get("kind")).replaceAll("[^A-Za-z0-9_]", "_");
                ((Map<String, Object>) ((Map<String, Object>) groups.computeIfAbsent(group, g -> new LinkedHashMap<>(Map.of("hosts", new LinkedHashMap<>()))))
                        .get("hosts")).put(name, null);
            }
        } else if (hosts != null) {
            throw new IllegalArgumentException("hosts must be a target selector (a name, a list of names or {labels, kind})");
        }
        all.put("hosts", allHosts);
        if (!groups.isEmpty()) all.put("children", groups);
        Path file = dir.resolve("inventory.json");
        Files.writeString(file, Json.write(Map.of("all", all)));
        return file;
    }

    private static String listOrString(Object v) {
        if (v instanceof List<?> l) return String.join(",", l.stream().map(String::valueOf).toList());
        return String.valueOf(v);
    }

    private static String join(String existing, String more) {
        return existing == null || existing.isBlank() ? more : existing + (more.contains("/") ? ":" : ",") + more;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this runner";
        }
    }

    // ---------------------------------------------------------------- after the run

    /** Finds the run's recording by the job label, links it to the job, and reads stats, results and write-backs. */
    @SuppressWarnings("unchecked")
    private void readBack(String server, HttpClient http, ActionContext context, Map<String, Object> result) {
        String ara = server + "/ara/api/v1";
        try {
            List<Map<String, Object>> found = (List<Map<String, Object>>) get(http, context, ara + "/playbooks?order=-id&limit=1&label=" + enc(JOB_LABEL + context.jobId())).get("results");
            if (found.isEmpty()) {
                context.log().accept("[trailboss] no recording of this run was found\n");
                return;
            }
            Map<String, Object> pb = found.getFirst();
            long id = ((Number) pb.get("id")).longValue();
            result.put("playbook_id", id);
            result.put("playbook_url", server + "/ara/api/v1/playbooks/" + id);
            result.put("status", pb.get("status"));
            post(http, context, ara + "/records", Map.of("playbook", id, "key", "trailboss_job", "type", "json",
                    "value", Map.of("job_id", context.jobId(), "execution_id", context.executionId(), "url", server + "/api/v1/jobs/" + context.jobId())));
            Map<Long, String> hostNames = new LinkedHashMap<>();
            Map<String, Object> stats = new LinkedHashMap<>();
            for (Map<String, Object> h : all(http, context, ara + "/hosts?playbook=" + id + "&order=name")) {
                hostNames.put(((Number) h.get("id")).longValue(), String.valueOf(h.get("name")));
                Map<String, Object> s = new LinkedHashMap<>();
                for (String k : List.of("ok", "changed", "failed", "skipped", "unreachable")) s.put(k, h.get(k));
                stats.put(String.valueOf(h.get("name")), s);
            }
            result.put("hosts", stats);
            Map<Long, Map<String, Object>> tasks = new LinkedHashMap<>();
            for (Map<String, Object> t : all(http, context, ara + "/tasks?playbook=" + id + "&order=id")) tasks.put(((Number) t.get("id")).longValue(), t);
            Map<String, List<Map<String, Object>>> perHost = new LinkedHashMap<>();
            for (Map<String, Object> r : all(http, context, ara + "/results?playbook=" + id + "&order=id")) {
                Map<String, Object> task = tasks.getOrDefault(((Number) r.get("task")).longValue(), Map.of());
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("task", task.get("name"));
                entry.put("action", task.get("action"));
                entry.put("status", r.get("status"));
                entry.put("changed", r.get("changed"));
                perHost.computeIfAbsent(hostNames.getOrDefault(((Number) r.get("host")).longValue(), "?"), k -> new ArrayList<>()).add(entry);
            }
            result.put("results", perHost);
            Map<String, Object> written = writeBack(server, http, ara, id, context);
            if (!written.isEmpty()) result.put("written_back", written);
        } catch (IOException | RuntimeException e) {
            context.log().accept("[trailboss] could not read the recording back: " + e.getMessage() + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Applies {@code trailboss_params:<host>} records to the hosts' targets, with the job's token. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> writeBack(String server, HttpClient http, String ara, long playbook, ActionContext context) throws IOException, InterruptedException {
        Map<String, Object> written = new LinkedHashMap<>();
        for (Map<String, Object> rec : all(http, context, ara + "/records?playbook=" + playbook)) {
            String key = String.valueOf(rec.get("key"));
            if (!key.startsWith(WRITE_BACK_KEY)) continue;
            String host = key.substring(WRITE_BACK_KEY.length());
            Map<String, Object> full = get(http, context, ara + "/records/" + rec.get("id"));
            Object value = full.get("value");
            if (value instanceof String s) {
                try {
                    value = Json.read(s);
                } catch (IllegalArgumentException notJson) {
                    // reported below as not a mapping
                }
            }
            if (!(value instanceof Map<?, ?> params) || params.isEmpty()) {
                context.log().accept("[trailboss] record '" + key + "' is not a mapping of params; nothing written back\n");
                continue;
            }
            HttpRequest req = HttpRequest.newBuilder(URI.create(server + "/api/v1/jobs/" + context.jobId() + "/hosts/" + enc(host) + "/params"))
                    .header("Authorization", "Bearer " + context.token()).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(Json.write(Map.of("params", params)))).timeout(Duration.ofSeconds(30)).build();
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() == 200) {
                written.put(host, new ArrayList<>(((Map<String, Object>) params).keySet()));
            } else {
                context.log().accept("[trailboss] write-back to '" + host + "' refused (" + res.statusCode() + "): " + res.body() + "\n");
            }
        }
        return written;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> all(HttpClient http, ActionContext context, String url) throws IOException, InterruptedException {
        List<Map<String, Object>> out = new ArrayList<>();
        String next = url + (url.contains("?") ? "&" : "?") + "limit=1000";
        while (next != null) {
            Map<String, Object> page = get(http, context, next);
            out.addAll((List<Map<String, Object>>) page.get("results"));
            next = page.get("next") instanceof String s ? s : null;
        }
        return out;
    }

    private Map<String, Object> get(HttpClient http, ActionContext context, String url) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(authorized(HttpRequest.newBuilder(URI.create(url)), context).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) throw new IOException("GET " + url + " answered " + res.statusCode() + ": " + res.body());
        return Json.readMap(res.body());
    }

    /** The job's token as /ara's Basic credentials (user "job"), as the callback sends it. */
    private static HttpRequest.Builder authorized(HttpRequest.Builder b, ActionContext context) {
        if (context.token() == null) return b;
        String basic = java.util.Base64.getEncoder().encodeToString(("job:" + context.token()).getBytes(StandardCharsets.UTF_8));
        return b.header("Authorization", "Basic " + basic);
    }

    private void post(HttpClient http, ActionContext context, String url, Map<String, Object> body) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(authorized(HttpRequest.newBuilder(URI.create(url)), context).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) throw new IOException("POST " + url + " answered " + res.statusCode() + ": " + res.body());
    }

    /** The client that reads the recording back: trusting the server's CA file when jobs are given one (TLS). */
    private HttpClient http(Map<String, String> env, ActionContext context) {
        String file = env.get("TRAILBOSS_CA");
        if (file == null || file.isBlank()) return plainHttp;
        try {
            java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(Path.of(file));
            TrustedClient t = trusted;
            if (t == null || !t.file().equals(file) || !t.modified().equals(modified)) {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                        .sslContext(io.trailboss.tls.ClientTrust.bundle(Path.of(file)).sslContext()).build();
                trusted = t = new TrustedClient(file, modified, http);
            }
            return t.http();
        } catch (IOException e) {
            context.log().accept("[trailboss] cannot read the server's CA file " + file + ": " + e.getMessage() + "\n");
            return plainHttp;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private AraPlugins plugins() {
        AraPlugins p = plugins;
        if (p == null) plugins = p = AraPlugins.find();
        return p;
    }

    /** Where python3-ara's callback and action plugins live, asked once of the Python that runs Ansible. */
    record AraPlugins(String callbacks, String actions) {
        boolean present() {
            return callbacks != null;
        }

        static AraPlugins find() {
            String python = ansiblePython();
            String callbacks = ask(python, "ara.setup.callback_plugins");
            String actions = ask(python, "ara.setup.action_plugins");
            return new AraPlugins(callbacks, actions == null ? "" : actions);
        }

        /** The interpreter on ansible-playbook's {@code #!} line: ARA must be importable by that Python. */
        private static String ansiblePython() {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path exe = Path.of(dir, "ansible-playbook");
                if (!Files.isExecutable(exe)) continue;
                try (var lines = Files.lines(exe)) {
                    String first = lines.findFirst().orElse("");
                    if (first.startsWith("#!")) {
                        String[] parts = first.substring(2).trim().split("\\s+");
                        return parts[0].endsWith("/env") && parts.length > 1 ? parts[1] : parts[0];
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    // not a script: fall back to python3
                }
            }
            return "python3";
        }

        private static String ask(String python, String module) {
            try {
                Process p = new ProcessBuilder(python, "-m", module).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return p.waitFor() == 0 && !out.isBlank() && Files.isDirectory(Path.of(out)) ? out : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
