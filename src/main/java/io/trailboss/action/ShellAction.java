package io.trailboss.action;

import io.trailboss.definition.InputParam;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code shell}: runs a script (already rendered for its target) with {@code /bin/sh}, or with the
 * interpreter its {@code #!} line names. Output goes to the job log as it comes: at once when a
 * line ends, and at least once a second for a partial line (a prompt). Text sent to the job is
 * written to the script's standard input. Optional {@code files} are written next to the script.
 * The script starts through a {@link JobSandbox}: a clean environment, and the isolation, user and
 * limits the server or agent was configured with.
 *
 * <p>Exit codes follow Digital Rebar's conventions: 0 succeeds; 16 (stop) succeeds and pauses the
 * execution after the job; 32 (poweroff) and 64 (reboot) succeed and record the request in the
 * result (Trailboss does not power machines off or reboot them); 128 (incomplete, alone or with
 * 16/32/64) makes the job INCOMPLETE and runs it again; any other code fails the job.
 */
public final class ShellAction implements Action {
    private static final int KEEP_OUTPUT = 64 * 1024;

    private final java.util.function.Supplier<Map<String, String>> environment;
    private final Path workRoot;
    private final JobSandbox sandbox;

    /** {@code environment}: variables every script gets (for example the server's URL). Job directories go to the system's temporary directory. */
    public ShellAction(java.util.function.Supplier<Map<String, String>> environment) {
        this(environment, null);
    }

    /**
     * {@code workRoot}: where each job's directory is made (null: the system's temporary directory).
     * Making and removing a directory per job costs several times more on a journaling file system
     * than on a memory one (tmpfs), which a runner of many short jobs may choose.
     */
    public ShellAction(java.util.function.Supplier<Map<String, String>> environment, Path workRoot) {
        this(environment, workRoot, JobSandbox.none());
    }

    /** {@code sandbox}: how each script is started (its environment, user, isolation and limits). */
    public ShellAction(java.util.function.Supplier<Map<String, String>> environment, Path workRoot, JobSandbox sandbox) {
        this.environment = environment;
        this.workRoot = workRoot;
        this.sandbox = sandbox;
    }

    @Override
    public String description() {
        return "Runs a shell script on the job's target (or the server), as a job.";
    }

    @Override
    public String name() {
        return "shell";
    }

    @Override
    public List<InputParam> parameters() {
        return List.of(new InputParam("script", true, null), new InputParam("files", false, null), new InputParam("env", false, null));
    }

    @Override
    public ActionResult run(Map<String, Object> input, ActionContext context) throws Exception {
        Path dir = workRoot == null ? Files.createTempDirectory("trailboss-job-") : Files.createTempDirectory(workRoot, "trailboss-job-");
        try {
            String script = String.valueOf(input.get("script"));
            Path file = dir.resolve("script");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(file, script);
            if (input.get("files") instanceof Map<?, ?> files) {
                for (var e : files.entrySet()) {
                    Path target = dir.resolve(String.valueOf(e.getKey())).normalize();
                    if (!target.startsWith(dir)) return new ActionResult.Failure("file '" + e.getKey() + "' would be written outside the job's directory", null);
                    Files.createDirectories(target.getParent());
                    Files.writeString(target, String.valueOf(e.getValue()));
                }
            }
            List<String> command = script.startsWith("#!") ? List.of(file.toString()) : List.of("/bin/sh", file.toString());
            Map<String, String> env = new LinkedHashMap<>(environment.get());
            env.put("TRAILBOSS_JOB_ID", context.jobId());
            env.put("TRAILBOSS_EXECUTION_ID", context.executionId());
            if (context.token() != null) env.put("TRAILBOSS_TOKEN", context.token());
            if (input.get("env") instanceof Map<?, ?> given) given.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
            sandbox.handOver(dir);
            Process process = sandbox.start(sandbox.processBuilder(command, dir, env).redirectErrorStream(true));
            ProcessStop.onInterrupt(process, context, sandbox.wrapsJob());
            Thread feeder = Thread.startVirtualThread(() -> feed(context, process.getOutputStream()));
            StringBuilder kept = new StringBuilder();
            try {
                LogRelay.relay(process.getInputStream(), context, kept, KEEP_OUTPUT);
                int code = process.waitFor();
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("exit_code", code);
                String output = kept.toString();
                result.put("output", output);
                ActionResult outcome = outcome(code, result);
                String limit = outcome instanceof ActionResult.Failure ? sandbox.limitReached(code, output) : null;
                if (limit == null) return outcome;
                context.log().accept("[trailboss] " + limit + "\n");
                return new ActionResult.Failure("script exited with code " + code + ": " + limit, result);
            } catch (InterruptedException e) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
                throw e;
            } finally {
                feeder.interrupt();
            }
        } finally {
            remove(dir);
        }
    }

    /** The job's directory goes; most hold the script alone, which needs no walk of the tree. */
    private static void remove(Path dir) throws IOException {
        try {
            Files.deleteIfExists(dir.resolve("script"));
            Files.delete(dir);
        } catch (java.nio.file.DirectoryNotEmptyException more) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static ActionResult outcome(int code, Map<String, Object> result) {
        if (code == 0) return new ActionResult.Success(result);
        if (code > 0 && code < 256 && (code & 128) != 0 && (code & ~(128 | 64 | 32 | 16)) == 0) return new ActionResult.Incomplete(result);
        String signal = switch (code) {
            case 16 -> "stop";
            case 32 -> "poweroff";
            case 64 -> "reboot";
            default -> null;
        };
        if (signal == null) return new ActionResult.Failure("script exited with code " + code, result);
        result.put("signal", signal);
        return new ActionResult.Success(result);
    }

    private static void feed(ActionContext context, OutputStream stdin) {
        try (OutputStream out = stdin) {
            while (true) {
                String text = context.input().take();
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException | IOException closed) {
            // the script ended or closed its input
        }
    }
}
