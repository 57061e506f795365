package io.trailboss.testing;

import io.trailboss.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/**
 * Mistral's own command-line client (Debian's python3-mistralclient), the real code for every command. Starting Python
 * and importing the client costs about a second, more than most commands themselves, so commands run one after another
 * in one Python process kept for the whole test JVM (mistral_cli_driver.py): each with its own arguments and
 * environment, an empty stdin, stdout and stderr merged as one pipe, and the exit status {@code sys.exit} would give.
 * {@link #runInOwnProcess} starts {@code mistral} itself, for what the shared process cannot show.
 */
public final class MistralCli {
    public static final Path SCRIPT = Path.of("/usr/bin/mistral");
    private static final long TIMEOUT_SECONDS = 60;

    /** A command's exit status and everything it printed. */
    public record Run(int code, String out) {}

    private static Driver driver;

    private MistralCli() {}

    /** Skips the calling test when the client is missing, except in CI where it must be there. */
    public static void assumeInstalled() {
        boolean installed = Files.isExecutable(SCRIPT);
        if (!installed && "true".equals(System.getenv("CI"))) throw new IllegalStateException("python3-mistralclient is required in CI (.ci/run installs it)");
        Assumptions.assumeTrue(installed, "python3-mistralclient is not installed (apt-get install python3-mistralclient)");
    }

    /** {@code mistral args...} with this JVM's environment. */
    public static Run run(List<String> args) {
        return run(args, env -> {});
    }

    /** {@code mistral args...}; {@code environment} may change a copy of this JVM's environment, as with ProcessBuilder. */
    public static synchronized Run run(List<String> args, Consumer<Map<String, String>> environment) {
        Map<String, String> env = new HashMap<>(System.getenv());
        environment.accept(env);
        if (driver == null) driver = Driver.start();
        try {
            return driver.run(args, env);
        } catch (RuntimeException | Error e) {
            // a driver that failed once is not trusted with the next command
            driver.close();
            driver = null;
            throw e;
        }
    }

    /** {@code mistral args...} as a process of its own, stdin closed and stderr merged into stdout. */
    public static Run runInOwnProcess(List<String> args, Consumer<Map<String, String>> environment) {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        environment.accept(pb.environment());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("mistral " + args + " did not end within " + TIMEOUT_SECONDS + " s");
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Python process and its two pipes; a command's answer is read on a thread of its own to bound the wait. */
    private static final class Driver implements AutoCloseable {
        private final Process process;
        private final OutputStream requests;
        private final InputStream answers;
        private final Path log;
        private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mistral-cli-driver");
            t.setDaemon(true);
            return t;
        });

        private Driver(Process process, Path log) {
            this.process = process;
            this.requests = process.getOutputStream();
            this.answers = new BufferedInputStream(process.getInputStream());
            this.log = log;
        }

        static Driver start() {
            try {
                Path dir = Files.createTempDirectory("mistral-cli");
                Path script = dir.resolve("mistral_cli_driver.py");
                try (InputStream in = MistralCli.class.getResourceAsStream("mistral_cli_driver.py")) {
                    Files.copy(in, script);
                }
                Path log = dir.resolve("driver.log");
                // the interpreter the client's script names, as running the script would use
                Process p = new ProcessBuilder(interpreter(), script.toString(), SCRIPT.toString())
                        .redirectError(log.toFile()).start();
                Driver d = new Driver(p, log);
                Runtime.getRuntime().addShutdownHook(new Thread(d::close));
                String ready = d.await(d::readLine, "start");
                if (!ready.equals("ready")) throw d.failure("did not start: " + ready);
                return d;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String interpreter() throws IOException {
            String first = Files.readAllLines(SCRIPT).getFirst();
            if (!first.startsWith("#!")) throw new IllegalStateException(SCRIPT + " does not name its interpreter");
            return first.substring(2).trim().split("\\s+")[0];
        }

        Run run(List<String> args, Map<String, String> env) {
            try {
                requests.write((Json.write(Map.of("argv", args, "env", env)) + "\n").getBytes(StandardCharsets.UTF_8));
                requests.flush();
            } catch (IOException e) {
                throw failure("refused the command: " + e);
            }
            return await(() -> {
                String[] head = readLine().split(" ");
                if (head.length != 2) throw failure("answered " + String.join(" ", head));
                byte[] out = answers.readNBytes(Integer.parseInt(head[1]));
                return new Run(Integer.parseInt(head[0]), new String(out, StandardCharsets.UTF_8));
            }, "mistral " + args);
        }

        private interface Read<T> {
            T read() throws IOException;
        }

        private <T> T await(Read<T> read, String what) {
            Future<T> answer = reader.submit(read::read);
            try {
                return answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw failure(what + " did not end within " + TIMEOUT_SECONDS + " s");
            } catch (ExecutionException e) {
                throw failure(what + ": " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = answers.read(); b != '\n'; b = answers.read()) {
                if (b < 0) throw new IOException("the driver ended");
                line.write(b);
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        private IllegalStateException failure(String what) {
            String stderr;
            try {
                stderr = Files.readString(log);
            } catch (IOException e) {
                stderr = e.toString();
            }
            return new IllegalStateException("the mistral client's driver " + what + "\n" + stderr);
        }

        @Override
        public void close() {
            try {
                requests.close();
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
            reader.shutdownNow();
            try (var files = Files.list(log.getParent())) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
                Files.deleteIfExists(log.getParent());
            } catch (IOException e) {
                // a temporary directory left behind harms nothing
            }
        }
    }
}
