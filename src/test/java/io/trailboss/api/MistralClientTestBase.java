package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.auth.Auth;
import io.trailboss.testing.MistralCli;
import io.trailboss.testing.MistralCli.Run;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** What the tests that drive Mistral's own client share: a server per database, open (the client would need a Keystone token otherwise). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MistralClientTestBase {
    private final Map<String, TestServer> servers = new ConcurrentHashMap<>();

    @BeforeAll
    void installed() {
        MistralCli.assumeInstalled();
    }

    @AfterAll
    void stop() {
        servers.values().forEach(TestServer::close);
    }

    TestServer server(String db) {
        return servers.computeIfAbsent(db, kind -> new TestServer(TestDatabases.of(kind), Clock.systemUTC(), Auth.Mode.OPEN));
    }

    /** The client against {@code server}'s Mistral API, whatever its exit code. */
    static Run run(TestServer server, String... args) {
        List<String> cmd = new ArrayList<>(List.of("--os-mistral-url", server.base + "/mistral/v2"));
        cmd.addAll(List.of(args));
        return MistralCli.run(cmd);
    }

    /** The client's output, which must have succeeded. */
    static String mistral(TestServer server, String... args) throws Exception {
        Run r = run(server, args);
        assertThat(r.code()).as(r.out()).isZero();
        return r.out();
    }

    static Path file(String text) throws Exception {
        Path f = Files.createTempFile("mistral", ".yaml");
        Files.writeString(f, text);
        return f;
    }
}
