package io.trailboss.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.api.ApiServer;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import io.trailboss.tls.CertificateFiles;
import io.trailboss.tls.Fingerprints;
import io.trailboss.tls.SelfSignedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real agent processes against a server serving HTTPS with its self-signed certificate: an agent
 * pinned to the fingerprint the server printed, and one given only the token the server issued
 * over HTTPS (which carries that fingerprint), run jobs whose scripts call the server back over
 * TLS; an agent pinned to another certificate is refused, told what the server presented and how
 * to trust it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentsOverTlsTest {
    private static final String WORKFLOWS = """
            version: '2.0'
            on_m1:
              tasks:
                greet:
                  targets: m1
                  action: shell
                  input:
                    script: &script |
                      echo "hi from {{ target.name }} via $TRAILBOSS_SERVER"
                      curl -sSf -X PATCH -H "Authorization: Bearer $TRAILBOSS_TOKEN" -H 'Content-Type: application/json' \\
                        -d '{"params": {"greeted": "{{ target.name }}"}}' "$TRAILBOSS_SERVER/api/v1/jobs/$TRAILBOSS_JOB_ID/target/params" > /dev/null
                      echo "called back"
            on_m2:
              tasks:
                greet:
                  targets: m2
                  action: shell
                  input:
                    script: *script
            """;

    private TestServer server;
    private String fingerprint;
    private Path dir;
    private final List<Process> agents = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("tb-agents-tls-");
        SelfSignedCertificate.Made made = SelfSignedCertificate.ensure(dir.resolve("tls"), List.of(), Clock.systemUTC());
        CertificateFiles certificate = new CertificateFiles(made.certificate(), made.key());
        fingerprint = certificate.current().fingerprint();
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), null, new ApiServer.Transport(certificate, List.of(), dir.resolve("tls")));
        assertThat(server.base).startsWith("https://");
        for (String name : List.of("m1", "m2")) {
            assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", name, "labels", Map.of("pool", name))).status()).isEqualTo(201);
        }
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS).status()).isEqualTo(200);
    }

    @AfterAll
    void stop() throws InterruptedException {
        for (Process p : agents) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (server != null) server.close();
    }

    /** The token as issued over HTTPS (it carries the certificate's fingerprint). */
    private String issue(String name, String pool) {
        var issued = server.postJson("/api/v1/agents/tokens", Map.of("name", name, "labels", Map.of("pool", pool)));
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        assertThat(issued.map().get("tls_fingerprint")).isEqualTo(fingerprint);
        return (String) issued.map().get("token");
    }

    private Process agent(String name, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "agent", "--server", server.base));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        agents.add(p);
        return p;
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    private void runsOn(String workflow, String target, String agentName) throws IOException {
        var r = server.postJson("/api/v1/executions", Map.of("workflow", workflow));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = (String) r.map().get("id");
        await().atMost(Duration.ofSeconds(90)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + id).map().get("state")));
        Map<String, Object> job = onlyJob(id);
        String logs = server.get("/api/v1/jobs/" + job.get("id") + "/log").body();
        assertThat(server.get("/api/v1/executions/" + id).map().get("state")).as(logs + "\n" + log(agentName)).isEqualTo("SUCCESS");
        assertThat(job.get("runner")).isEqualTo("agent:" + agentName);
        assertThat(logs).contains("hi from " + target + " via " + server.base).contains("called back");
        assertThat(server.get("/api/v1/targets/" + target).body()).contains("\"greeted\"");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> onlyJob(String execution) {
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items");
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) server.get("/api/v1/tasks/" + tasks.getFirst().get("id") + "/jobs").map().get("items");
        assertThat(jobs).hasSize(1);
        return jobs.getFirst();
    }

    @Test
    void an_agent_pinned_to_the_fingerprint_the_server_printed_runs_jobs_whose_scripts_call_back_over_tls() throws Exception {
        String token = AgentTokens.secretOf(issue("pinned", "m1"));
        agent("pinned", "--token", token, "--fingerprint", fingerprint, "--label", "pool=m1");
        runsOn("on_m1", "m1", "pinned");
        assertThat(log("pinned")).contains("connected to " + server.base + " (TLS, certificate pinned by --fingerprint");
    }

    @Test
    void an_agent_given_only_the_token_trusts_the_certificate_the_token_carries() throws Exception {
        String token = issue("enrolled", "m2");
        assertThat(AgentTokens.pinOf(token)).isEqualTo(Fingerprints.parse(fingerprint));
        agent("enrolled", "--token", token, "--label", "pool=m2");
        runsOn("on_m2", "m2", "enrolled");
        assertThat(log("enrolled")).contains("(TLS, certificate pinned by the token: " + fingerprint);
    }

    @Test
    void an_agent_pinned_to_another_certificate_is_refused_with_what_the_server_presented_and_how_to_trust_it() throws Exception {
        String other = Fingerprints.sha256(SelfSignedCertificate.sign(SelfSignedCertificate.keyPair(), List.of("localhost"), java.time.Instant.now(), Duration.ofDays(1)));
        String token = issue("wrong", "m1");
        Process p = agent("wrong", "--token", token, "--fingerprint", other);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the agent gives up at once").isTrue();
        assertThat(p.exitValue()).isEqualTo(3);
        assertThat(log("wrong"))
                .contains("error: the server's TLS certificate is not trusted (its fingerprint is not the pinned " + other + ")")
                .contains("SHA-256 fingerprint " + fingerprint)
                .contains("trust it with --fingerprint " + fingerprint)
                .doesNotContain("retrying");
    }
}
