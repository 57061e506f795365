package io.trailboss.cli;

import io.trailboss.action.Action;
import io.trailboss.action.ActionContext;
import io.trailboss.action.ActionRegistry;
import io.trailboss.action.ActionResult;
import io.trailboss.action.ShellAction;
import io.trailboss.json.Json;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trailboss agent}: a remote runner. Says hello (the server fails whatever this agent held
 * before a restart), then long-polls for jobs of its targets, runs each with the same actions as
 * the server, streams its log as it comes, relays text sent to the job into its standard input,
 * heartbeats so the server keeps its leases, and reports each result. When the server is away it
 * retries with backoff; jobs keep running meanwhile.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run jobs for targets on this machine, as a remote agent of a server.")
public final class AgentCommand implements Callable<Integer> {
    /** The JVM options {@code bin/trailboss} gives an agent ({@link io.trailboss.agent.AgentProcess}). */
    public static final List<String> JVM_OPTIONS = io.trailboss.agent.AgentProcess.JVM_OPTIONS;

    private static final int MAX_CHUNK = 256 * 1024;
    private static final int CLAIM_WAIT_SECONDS = 20;
    private static final int MAX_RESULTS = 256;
    /** How long a finished job's result may wait for others to share its post (and commit). */
    private static final long RESULT_LINGER_MS = 20;

    @Option(names = "--server", defaultValue = "${env:TRAILBOSS_URL:-http://127.0.0.1:8080}", description = "The server's URL (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--token", defaultValue = "${env:TRAILBOSS_AGENT_TOKEN}", description = "The agent token the server issued (POST /api/v1/agents/tokens); or TRAILBOSS_AGENT_TOKEN.")
    String token;

    @Option(names = "--target", description = "Take jobs of this target only (repeatable; default: every target the token covers).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--label", description = "Take jobs of targets with this label, k=v (repeatable; all must match).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--jobs", defaultValue = "16", description = "Jobs run at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--work-dir", description = "Directory in which each job gets a directory of its own, removed when it ends "
            + "(default: the system's temporary directory; a memory file system such as /dev/shm makes many short jobs cheaper).")
    java.nio.file.Path workDir;

    @picocli.CommandLine.Mixin
    JobOptions jobOptions = new JobOptions();

    @Option(names = "--ca", defaultValue = "${env:TRAILBOSS_CA}", description = "For an https:// server: a PEM file of the CA certificate(s) to trust "
            + "(or the server's own certificate); or TRAILBOSS_CA. Default: the JDK's trusted CAs, or the fingerprint the token carries.")
    java.nio.file.Path ca;

    @Option(names = "--fingerprint", defaultValue = "${env:TRAILBOSS_FINGERPRINT}", split = ",", description = "For an https:// server: the SHA-256 "
            + "fingerprint of its certificate (or of a CA certificate in the chain it presents) to trust, as the server prints it at start "
            + "(repeatable; or TRAILBOSS_FINGERPRINT). Default: the one the agent token carries, when the server issued it over TLS.")
    List<String> fingerprints = new ArrayList<>();

    private AgentHttp http;
    private io.trailboss.tls.ClientTrust trust;
    /** What jobs get: the server's URL, and over TLS the CA files their clients need to trust it. */
    private final java.util.concurrent.atomic.AtomicReference<Map<String, String>> jobEnvironment = new java.util.concurrent.atomic.AtomicReference<>(Map.of());
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<String, BlockingQueue<String>> stdin = new ConcurrentHashMap<>();
    private volatile long leaseMillis = 15_000;
    private volatile String fatal;
    private final CountDownLatch stop = new CountDownLatch(1);
    private ActionRegistry actions;

    /** A job this agent runs: its thread, and how it is asked to stop (SIGTERM, then SIGKILL). */
    private record Running(Thread thread, String id, io.trailboss.action.Interruption interruption) {}

    /** How long a stopped job's processes get between SIGTERM and SIGKILL. */
    private static final long STOP_GRACE_MILLIS = 10_000;

    /** The server refused the token: nothing to retry. */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private record Answer(int status, Map<String, Object> body) {}

    @Override
    public Integer call() throws Exception {
        if (token == null || token.isBlank()) {
            System.err.println("error: an agent token is required (--token or TRAILBOSS_AGENT_TOKEN)");
            return 2;
        }
        server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        // a token issued over TLS carries the fingerprint of the server's certificate: trusted from the first connection
        String tokenPin = io.trailboss.agent.AgentTokens.pinOf(token.strip());
        token = io.trailboss.agent.AgentTokens.secretOf(token.strip());
        URI uri;
        try {
            uri = URI.create(server);
            if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            System.err.println("error: --server must be a URL like https://host:8080, not '" + server + "'");
            return 2;
        }
        String trustSays = "";
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            fingerprints.removeIf(f -> f == null || f.isBlank());
            try {
                if (ca == null && fingerprints.isEmpty() && tokenPin != null) {
                    trust = io.trailboss.tls.ClientTrust.of(null, List.of(tokenPin));
                    trustSays = "TLS, certificate pinned by the token: " + io.trailboss.tls.Fingerprints.display(io.trailboss.tls.Fingerprints.parse(tokenPin));
                } else {
                    trust = io.trailboss.tls.ClientTrust.of(ca, fingerprints);
                    trustSays = "TLS, " + (!fingerprints.isEmpty() ? "certificate pinned by --fingerprint" + (ca != null ? " or issued by the CA of --ca" : "")
                            : ca != null ? "certificate issued by the CA of --ca" : "certificate issued by a CA the JDK trusts");
                }
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
        } else if (ca != null || !fingerprints.isEmpty()) {
            System.err.println("warning: --ca and --fingerprint apply to an https:// server; " + server + " is plain HTTP: token, logs and results travel unencrypted");
        }
        http = new AgentHttp(uri, Duration.ofSeconds(5), trust);
        if (workDir != null && !(java.nio.file.Files.isDirectory(workDir) && java.nio.file.Files.isWritable(workDir))) {
            System.err.println("error: --work-dir must be a directory this agent can write to, not '" + workDir + "'");
            return 2;
        }
        io.trailboss.action.JobSandbox sandbox;
        try {
            sandbox = jobOptions.build(workDir, null, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        actions = ActionRegistry.standard();
        jobEnvironment.set(Map.of("TRAILBOSS_SERVER", server));
        actions.register(new ShellAction(jobEnvironment::get, workDir, sandbox));
        actions.register(new io.trailboss.action.AnsibleAction(jobEnvironment::get, sandbox));
        Map<String, Object> hello;
        try {
            hello = retrying("hello", () -> post("/api/v1/agent/hello", Map.of()));
        } catch (Refused e) {
            System.err.println("error: " + e.getMessage());
            return 3;
        }
        lease(hello.get("lease_seconds"));
        if (trust != null) jobTrust();
        System.err.println("agent " + hello.get("runner") + " connected to " + server + " (" + (trust == null ? "plain HTTP, " : trustSays + "; ") + "lease " + hello.get("lease_seconds") + " s"
                + (((Number) hello.getOrDefault("lost_jobs", 0)).intValue() > 0 ? ", " + hello.get("lost_jobs") + " jobs of a previous run marked lost" : "") + ")");
        Thread.ofPlatform().daemon().name("agent-heartbeat").start(this::heartbeats);
        Thread.ofPlatform().daemon().name("agent-stdin").start(this::inputs);
        Thread.ofPlatform().daemon().name("agent-reports").start(this::reports);
        Thread.ofPlatform().daemon().name("agent-claims").start(this::claims);
        stop.await();
        System.err.println("error: " + fatal);
        for (Running r : running.values()) r.thread().interrupt();
        return 3;
    }

    /**
     * Jobs on this agent call the server too (scripts with curl, the ansible action's ARA callback): they get the
     * certificates this agent trusts it by, as CA files (the CA given, or the chain it pinned on connecting).
     */
    private void jobTrust() throws IOException {
        List<java.security.cert.X509Certificate> certificates = !trust.authorities().isEmpty() ? trust.authorities()
                : trust.pinned() ? trust.lastAccepted() : List.of();
        if (certificates.isEmpty()) return; // the JDK's CAs: the system's bundle serves jobs as it is
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(workDir != null ? workDir : java.nio.file.Path.of(System.getProperty("java.io.tmpdir")), "trailboss-agent-ca-");
        Map<String, String> env = new LinkedHashMap<>(io.trailboss.tls.CallbackTrust.environment(certificates, dir));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (var files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path f : files.toList()) java.nio.file.Files.deleteIfExists(f);
                java.nio.file.Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a temporary directory left behind
            }
        }));
        env.put("TRAILBOSS_SERVER", server);
        jobEnvironment.set(Map.copyOf(env));
    }

    // ------------------------------------------------------------------ loops

    private void claims() {
        Semaphore slots = new Semaphore(parallel);
        try {
            while (true) {
                slots.acquire();
                // while jobs run, let more slots free up (at most 20 ms) so one claim takes several jobs
                if (!running.isEmpty()) {
                    int wanted = Math.max(1, parallel / 2);
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                    while (slots.availablePermits() + 1 < wanted && !running.isEmpty() && System.nanoTime() < until) Thread.sleep(1);
                }
                int free = slots.availablePermits() + 1;
                slots.release();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("max", Math.min(free, 64));
                body.put("wait_seconds", CLAIM_WAIT_SECONDS);
                if (!targets.isEmpty()) body.put("targets", targets);
                if (!labels.isEmpty()) body.put("labels", labels);
                Map<String, Object> answer = retrying("claim", () -> post("/api/v1/agent/claim", body));
                lease(answer.get("lease_seconds"));
                List<?> offered = (List<?>) answer.get("jobs");
                if (offered.isEmpty()) continue;
                // acknowledge before running: an offer acknowledged too late went back to the queue
                List<String> ids = offered.stream().map(o -> (String) ((Map<?, ?>) o).get("id")).toList();
                List<?> mine = acknowledge(ids);
                for (Object o : offered) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> job = (Map<String, Object>) o;
                    String id = (String) job.get("id");
                    if (!mine.contains(id)) continue;
                    slots.acquire();
                    stdin.computeIfAbsent(id, k -> new LinkedBlockingQueue<>());
                    io.trailboss.action.Interruption interruption = new io.trailboss.action.Interruption();
                    Thread t = Thread.ofVirtual().name("job-" + id).unstarted(() -> {
                        try {
                            run(job, interruption);
                        } finally {
                            running.remove(id);
                            stdin.remove(id);
                            slots.release();
                        }
                    });
                    running.put(id, new Running(t, id, interruption));
                    t.start();
                }
            }
        } catch (Refused e) {
            fatal = e.getMessage();
            stop.countDown();
        } catch (InterruptedException e) {
            // shutting down
        }
    }

    private void heartbeats() {
        while (true) {
            try {
                Thread.sleep(Math.max(100, leaseMillis / 3));
                Answer a = post("/api/v1/agent/heartbeat", Map.of("jobs", List.copyOf(running.keySet())));
                if (a.status() == 401) continue; // the claim loop reports a revoked token
                if (a.status() / 100 != 2) continue;
                lease(a.body().get("lease_seconds"));
                for (Object id : (List<?>) a.body().getOrDefault("stop", List.of())) {
                    Running r = running.get(String.valueOf(id));
                    if (r != null) {
                        System.err.println("job " + id + " is no longer this agent's (cancelled or lost): stopping it");
                        r.interruption().interrupt(STOP_GRACE_MILLIS);
                        r.thread().interrupt();
                    }
                }
            } catch (IOException e) {
                // the server is away: leases run out there unless it comes back in time
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void inputs() {
        while (true) {
            try {
                Map<String, Object> a = retrying("stdin", () -> post("/api/v1/agent/inputs", Map.of("wait_seconds", CLAIM_WAIT_SECONDS)));
                for (Object o : (List<?>) a.getOrDefault("inputs", List.of())) {
                    Map<?, ?> in = (Map<?, ?>) o;
                    BlockingQueue<String> q = stdin.get(String.valueOf(in.get("job_id")));
                    if (q != null) q.offer(String.valueOf(in.get("text")));
                }
            } catch (Refused e) {
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ one job

    private void run(Map<String, Object> job, io.trailboss.action.Interruption interruption) {
        String id = (String) job.get("id");
        String actionName = (String) job.get("action");
        System.err.println("job " + id + ": " + actionName + (job.get("target") == null ? "" : " on " + job.get("target")));
        String token = (String) job.get("token");
        // the job's token is masked before its output leaves this machine (the server masks it again)
        List<String> masks = token == null ? List.of() : io.trailboss.engine.JobTokens.masks(token);
        LogSender log = new LogSender(id, interruption, masks);
        ActionResult result;
        boolean interrupted = false;
        try {
            Action action = actions.find(actionName).orElse(null);
            @SuppressWarnings("unchecked")
            Map<String, Object> input = job.get("input") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            ActionContext context = new ActionContext(id, (String) job.get("execution_id"), null, token, log::add,
                    stdin.computeIfAbsent(id, k -> new LinkedBlockingQueue<>()),
                    interruption);
            result = action == null ? new ActionResult.Failure("this agent has no action '" + actionName + "'", null) : action.run(input, context);
        } catch (InterruptedException e) {
            interrupted = true;
            result = new ActionResult.Failure("interrupted", null);
        } catch (Exception | StackOverflowError e) {
            result = new ActionResult.Failure(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
        log.finish();
        if (log.capped() != null) result = new ActionResult.Failure(log.capped(), outputOf(result));
        if (result instanceof ActionResult.Lost || result instanceof ActionResult.Async) {
            result = new ActionResult.Failure("action '" + actionName + "' cannot complete on an agent (" + result.getClass().getSimpleName() + ")", null);
        }
        Map<String, Object> report = io.trailboss.engine.StoredOutcomes.fields(result);
        report.replaceAll((k, v) -> k.equals("state") ? v : io.trailboss.engine.Secrets.maskWithTokens(v, masks));
        if (interrupted || Thread.currentThread().isInterrupted()) {
            // stopped because the server said the job is no longer ours: a report would only be refused
            System.err.println("job " + id + ": stopped");
            return;
        }
        report.put("job_id", id);
        Pending pending = new Pending(report, new java.util.concurrent.CompletableFuture<>());
        results.add(pending);
        try {
            Map<String, Object> a = pending.answer().get();
            Object status = a.get("status");
            System.err.println("job " + id + ": " + report.get("state") + (Integer.valueOf(200).equals(status) ? "" : " (refused: " + a.get("detail") + ")"));
        } catch (java.util.concurrent.ExecutionException e) {
            System.err.println("job " + id + ": result not reported: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            System.err.println("job " + id + ": result not reported: interrupted");
        }
    }

    private static Object outputOf(ActionResult result) {
        return switch (result) {
            case ActionResult.Success s -> s.output();
            case ActionResult.Failure f -> f.output();
            case ActionResult.Incomplete i -> i.output();
            default -> null;
        };
    }

    /** A job's result waiting to be sent, and the server's answer for it. */
    private record Pending(Map<String, Object> report, java.util.concurrent.CompletableFuture<Map<String, Object>> answer) {}

    /** An acknowledgement of offered jobs waiting to be sent, and the ones the server lets this agent start. */
    private record Ack(List<String> jobs, java.util.concurrent.CompletableFuture<List<?>> answer) {}

    /** Results ({@link Pending}) and acknowledgements ({@link Ack}) on their way to the server, in order. */
    private final LinkedBlockingQueue<Object> results = new LinkedBlockingQueue<>();

    /** False once the server refused an acknowledgement riding with results (an older server): acknowledged alone. */
    private volatile boolean acksWithResults = true;

    /**
     * Acknowledges offered jobs: with the results on their way, in the same post (one commit on
     * the server), or alone if nothing else is waiting. Answers the jobs this agent may start.
     */
    private List<?> acknowledge(List<String> ids) throws Refused, InterruptedException {
        if (acksWithResults) {
            Ack ack = new Ack(ids, new java.util.concurrent.CompletableFuture<>());
            results.add(ack);
            try {
                List<?> mine = ack.answer().get();
                if (mine != null) return mine;
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Refused r) throw r;
                // anything else: acknowledged alone below
            }
        }
        return (List<?>) retrying("ack", () -> post("/api/v1/agent/ack", Map.of("jobs", ids))).get("jobs");
    }

    /**
     * Sends results as they come: each post carries every result that finished while the previous
     * one was in flight (one commit on the server for all of them), and the acknowledgement of the
     * jobs just claimed if there is one (which never waits for more results). A job counts as
     * reported only when the server has answered for it.
     */
    private void reports() {
        List<Pending> batch = new ArrayList<>();
        List<Object> taken = new ArrayList<>();
        Ack ack = null;
        while (true) {
            try {
                taken.add(results.take());
                // each post is one commit on the server: gather the results of jobs ending about now
                // (at most RESULT_LINGER_MS), unless every running job has already reported or an
                // acknowledgement waits (the claimed jobs start only after it)
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RESULT_LINGER_MS);
                while (true) {
                    for (Object o : taken) {
                        if (o instanceof Ack a) ack = a;
                        else batch.add((Pending) o);
                    }
                    taken.clear();
                    if (batch.size() >= MAX_RESULTS || ack != null) break;
                    results.drainTo(taken, MAX_RESULTS - batch.size());
                    if (!taken.isEmpty()) continue;
                    long left = until - System.nanoTime();
                    if (batch.size() >= running.size() || left <= 0) break;
                    Object next = results.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) break;
                    taken.add(next);
                }
                List<Map<String, Object>> reports = batch.stream().map(Pending::report).toList();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("results", reports);
                if (ack != null) body.put("ack", ack.jobs());
                Answer answer = retryingAnswer("complete", () -> post("/api/v1/agent/complete", body));
                if (ack != null && answer.status() == 400) {
                    // a server that does not take acknowledgements with results: each goes alone from now on
                    acksWithResults = false;
                    ack.answer().complete(null);
                    ack = null;
                    if (reports.isEmpty()) continue;
                    answer = retryingAnswer("complete", () -> post("/api/v1/agent/complete", Map.of("results", reports)));
                }
                if (answer.status() / 100 != 2) throw new Refused("complete: " + answer.status() + " " + answer.body().get("detail"));
                Map<String, Object> a = answer.body();
                if (ack != null) ack.answer().complete((List<?>) a.getOrDefault("acked", List.of()));
                Map<String, Map<String, Object>> byJob = new java.util.HashMap<>();
                for (Object o : (List<?>) a.getOrDefault("results", List.of())) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> r = (Map<String, Object>) o;
                    byJob.put(String.valueOf(r.get("job_id")), r);
                }
                for (Pending p : batch) {
                    Map<String, Object> r = byJob.get((String) p.report().get("job_id"));
                    p.answer().complete(r != null ? r : Map.of("status", 500, "detail", "no answer for this job"));
                }
            } catch (Refused e) {
                results.drainTo(taken);
                for (Object o : taken) {
                    if (o instanceof Ack a) a.answer().completeExceptionally(e);
                    else batch.add((Pending) o);
                }
                if (ack != null) ack.answer().completeExceptionally(e);
                for (Pending p : batch) p.answer().completeExceptionally(e);
            } catch (RuntimeException e) {
                // an answer this agent cannot read: this post's results are not reported, the loop goes on
                if (ack != null) ack.answer().completeExceptionally(e);
                for (Pending p : batch) p.answer().completeExceptionally(e);
            } catch (InterruptedException e) {
                return;
            } finally {
                batch.clear();
                taken.clear();
                ack = null;
            }
        }
    }

    /**
     * Sends a job's output as it comes, in order: every chunk the action hands over is posted at
     * once; what piles up while a post is in flight goes in the next one.
     */
    private final class LogSender {
        @SuppressWarnings("StringOperationCanBeSimplified")
        private static final String END = new String("end of log");
        private final String jobId;
        private final io.trailboss.action.Interruption interruption;
        private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final List<String> masks;
        private final io.trailboss.engine.StreamMask mask = new io.trailboss.engine.StreamMask();
        private Thread thread;
        private volatile boolean refused;
        private volatile String capped;

        LogSender(String jobId, io.trailboss.action.Interruption interruption, List<String> masks) {
            this.jobId = jobId;
            this.interruption = interruption;
            this.masks = masks;
        }

        /** Why the job failed when the server said its log reached the cap (the job was stopped then), else null. */
        String capped() {
            return capped;
        }

        void add(String text) {
            if (refused || text.isEmpty()) return;
            synchronized (this) {
                // a secret cut across two chunks is masked too: the end of a chunk that starts like one waits for the next
                text = mask.next(text, masks);
                if (text.isEmpty()) return;
                // started by the first chunk: a job that prints nothing costs no sender thread
                if (thread == null) thread = Thread.ofVirtual().name("log-" + jobId).start(this::loop);
                queue.add(text);
            }
        }

        private void loop() {
            try {
                boolean last = false;
                while (!last) {
                    String first = queue.take();
                    if (first == END) break;
                    StringBuilder chunk = new StringBuilder(first);
                    while (!queue.isEmpty() && (queue.peek() == END || chunk.length() + queue.peek().length() <= MAX_CHUNK)) {
                        String next = queue.poll();
                        if (next == END) {
                            last = true;
                            break;
                        }
                        chunk.append(next);
                    }
                    for (int at = 0, end; at < chunk.length(); at = end) {
                        end = Math.min(chunk.length(), at + MAX_CHUNK);
                        // a part never ends between the two halves of a pair: the server refuses a lone surrogate
                        if (end < chunk.length() && Character.isHighSurrogate(chunk.charAt(end - 1))) end--;
                        String part = chunk.substring(at, end);
                        Answer a = retryingAnswer("log " + jobId, () -> post("/api/v1/agent/jobs/" + jobId + "/log", Map.of("text", part)));
                        if (a.status() == 409 || a.status() == 404) {
                            refused = true;
                            queue.clear();
                            return;
                        }
                        if (Boolean.TRUE.equals(a.body().get("capped"))) {
                            // what the job prints from now on would be lost: it is stopped and fails
                            capped = String.valueOf(a.body().getOrDefault("detail", "the job's log reached its cap: the job was stopped"));
                            refused = true;
                            queue.clear();
                            interruption.interrupt(STOP_GRACE_MILLIS);
                            return;
                        }
                    }
                }
            } catch (InterruptedException | Refused e) {
                // the job is over or the token is gone
            }
        }

        void finish() {
            Thread sender;
            synchronized (this) {
                String rest = mask.end(masks);
                if (!rest.isEmpty() && !refused) {
                    if (thread == null) thread = Thread.ofVirtual().name("log-" + jobId).start(this::loop);
                    queue.add(rest);
                }
                sender = thread;
            }
            if (sender == null) return;
            queue.add(END); // sent after everything before it
            try {
                sender.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ HTTP

    private interface Call {
        Answer call() throws IOException, InterruptedException;
    }

    /** A 2xx body, retrying with backoff while the server is unreachable or failing (5xx). */
    private Map<String, Object> retrying(String what, Call call) throws Refused, InterruptedException {
        Answer a = retryingAnswer(what, call);
        if (a.status() / 100 != 2) throw new Refused(what + ": " + a.status() + " " + a.body().get("detail"));
        return a.body();
    }

    /** Any answer but a 5xx (retried with backoff, as is an unreachable server); a 401 is refused. */
    private Answer retryingAnswer(String what, Call call) throws Refused, InterruptedException {
        long backoff = 250;
        boolean complained = false;
        while (true) {
            try {
                Answer a = call.call();
                if (a.status() == 401) throw new Refused("the server refused the agent token (" + a.body().get("detail") + ")");
                if (a.status() < 500) {
                    if (complained) System.err.println("server reachable again (" + what + ")");
                    return a;
                }
                if (!complained) System.err.println(what + ": server answered " + a.status() + "; retrying");
            } catch (IOException e) {
                // a server whose certificate is not trusted stays so: retrying would only hide it
                java.util.Optional<String> refused = io.trailboss.tls.ClientTrust.refusal(e);
                if (refused.isPresent()) throw new Refused(refused.get());
                if (!complained) System.err.println(what + ": cannot reach " + server + " (" + e.getClass().getSimpleName()
                        + (e instanceof javax.net.ssl.SSLException ? ": " + e.getMessage() : "") + "); retrying with backoff");
            }
            complained = true;
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, 5000);
        }
    }

    private Answer post(String path, Object body) throws IOException, InterruptedException {
        AgentHttp.Response r = http.post(path, Json.write(body), token, Duration.ofSeconds(CLAIM_WAIT_SECONDS + 15));
        return answer(r.status(), r.body());
    }

    private static Answer answer(int status, String body) {
        Map<String, Object> parsed;
        try {
            parsed = body.isBlank() ? Map.of() : Json.readMap(body);
        } catch (IllegalArgumentException e) {
            parsed = Map.of("detail", body);
        }
        return new Answer(status, parsed);
    }

    private void lease(Object seconds) {
        if (seconds instanceof Number n && n.doubleValue() > 0) leaseMillis = Math.round(n.doubleValue() * 1000);
    }
}
