package io.trailboss.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's ARA server ({@code ara-server}: {@code ara-manage runserver}, as its systemd unit starts
 * it, on SQLite) in a directory of its own, for comparisons with Trailboss's recording API.
 */
public final class AraServerProcess implements AutoCloseable {
    public static final Path ARA_MANAGE = Path.of("/usr/bin/ara-manage");
    private final Process process;
    private final String url;

    private AraServerProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    public static boolean installed() {
        return Files.isExecutable(ARA_MANAGE);
    }

    /** Migrates a fresh database under {@code base} and starts the server on a free port; waits until it answers. */
    public static AraServerProcess start(Path base) throws IOException, InterruptedException {
        Files.createDirectories(base);
        Map<String, String> env = Map.of("ARA_BASE_DIR", base.toString(), "ARA_ALLOWED_HOSTS", "['*']", "ARA_DEBUG", "false",
                "ARA_LOG_LEVEL", "WARNING");
        ProcessBuilder migrate = new ProcessBuilder(ARA_MANAGE.toString(), "migrate").redirectErrorStream(true)
                .redirectOutput(base.resolve("migrate.log").toFile());
        migrate.environment().putAll(env);
        Process m = migrate.start();
        if (!m.waitFor(120, TimeUnit.SECONDS) || m.exitValue() != 0) {
            throw new IOException("ara-manage migrate failed: " + Files.readString(base.resolve("migrate.log")));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // --noreload: one process, so that closing this one stops the server
        ProcessBuilder pb = new ProcessBuilder(List.of(ARA_MANAGE.toString(), "runserver", "--noreload", "127.0.0.1:" + port))
                .redirectErrorStream(true).redirectOutput(base.resolve("server.log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        String url = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException("ara-server exited: " + Files.readString(base.resolve("server.log")));
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/playbooks")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return new AraServerProcess(p, url);
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new IOException("ara-server did not answer within 60 s: " + Files.readString(base.resolve("server.log")));
    }

    /** What ARA's client takes as {@code ARA_API_SERVER}. */
    public String url() {
        return url;
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
