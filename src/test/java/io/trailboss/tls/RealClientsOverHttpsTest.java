package io.trailboss.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.api.ApiServer;
import io.trailboss.record.AraCallbackTest;
import io.trailboss.testing.MistralCli;
import io.trailboss.testing.TestCertificates;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real peers against the server over HTTPS, with a certificate from a test CA: ARA's callback
 * (ansible-playbook run by the {@code ansible} action, which gives it the server's certificates as
 * its CA bundle) and Mistral's command-line client given the CA with {@code --os-cacert}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealClientsOverHttpsTest {
    private static final String PLAY = """
            version: '2.0'
            configure_over_tls:
              tasks:
                play:
                  action: ansible
                  input:
                    hosts: {labels: {group: tls-lab}}
                    playbook: |
                      - name: configure over tls
                        hosts: all
                        gather_facts: false
                        tasks:
                          - name: say hello
                            debug:
                              msg: "hello from {{ inventory_hostname }}"
                          - name: write back
                            ara_record:
                              key: "trailboss_params:{{ inventory_hostname }}"
                              value: {configured: "yes"}
                              type: json
            """;

    private TestServer server;
    private TestCertificates.Authority ca;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("tb-real-tls-");
        ca = TestCertificates.authority(dir, "test");
        // the chain file ends with the CA's certificate: Python's OpenSSL needs the root to build the chain
        TestCertificates.Issued issued = ca.issue(dir, "server", List.of("localhost", "127.0.0.1"), true);
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), null, ApiServer.Transport.https(new CertificateFiles(issued.certificate(), issued.key())));
        assertThat(server.base).startsWith("https://127.0.0.1:");
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_ansible_action_records_its_run_through_the_real_ara_callback_over_https() {
        AraCallbackTest.requireAnsible();
        var target = server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "tls1", "labels", Map.of("group", "tls-lab"),
                "params", Map.of("ansible_connection", "local", "ansible_python_interpreter", "/usr/bin/python3")));
        assertThat(target.status()).as(target.body()).isEqualTo(201);
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", PLAY).status()).isEqualTo(200);
        var started = server.postJson("/api/v1/executions", Map.of("workflow", "configure_over_tls"));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = (String) started.map().get("id");
        await().atMost(Duration.ofSeconds(120)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + id).map().get("state")));

        List<Map<String, Object>> tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + id + "/tasks").map().get("items");
        Map<String, Object> job = ((List<Map<String, Object>>) server.get("/api/v1/tasks/" + tasks.getFirst().get("id") + "/jobs").map().get("items")).getFirst();
        String log = server.get("/api/v1/jobs/" + job.get("id") + "/log").body();
        assertThat(server.get("/api/v1/executions/" + id).map().get("state")).as(log).isEqualTo("SUCCESS");
        assertThat(log).contains("hello from tls1").doesNotContain("not recorded").doesNotContain("could not read the recording back")
                .doesNotContain("Traceback").doesNotContain("CERTIFICATE_VERIFY_FAILED");
        // the callback posted the run; the action read it back over TLS and wrote the params back
        Map<String, Object> output = (Map<String, Object>) job.get("output");
        long playbook = ((Number) output.get("playbook_id")).longValue();
        assertThat(server.get("/ara/api/v1/playbooks/" + playbook).map().get("status")).isEqualTo("completed");
        assertThat(String.valueOf(output.get("playbook_url"))).startsWith(server.base + "/ara/api/v1/playbooks/");
        assertThat((Map<String, Object>) output.get("written_back")).containsOnlyKeys("tls1");
        assertThat(server.get("/api/v1/targets/tls1").body()).contains("\"configured\"");
    }

    @Test
    void the_mistral_client_works_over_https_with_the_ca_given_and_refuses_the_server_without_it() throws Exception {
        MistralCli.assumeInstalled();
        Path yaml = Files.createTempFile("wf", ".yaml");
        Files.writeString(yaml, """
                version: '2.0'
                tls_greet:
                  input: [name]
                  tasks:
                    say:
                      action: std.echo output="Hello, {{ _.name }}"
                      publish:
                        message: "{{ task().result }}"
                """);
        assertThat(mistral(true, "workflow-create", yaml.toString()).output()).contains("tls_greet");
        String execution = mistral(true, "execution-create", "tls_greet", "{\"name\": \"Ada\"}", "-f", "value", "-c", "ID").output().trim();
        await().atMost(Duration.ofSeconds(30)).until(() -> mistral(true, "execution-get", execution, "-f", "value", "-c", "State").output().trim().equals("SUCCESS"));
        assertThat(mistral(true, "execution-get-output", execution).output()).contains("Hello, Ada");

        Result untrusted = mistral(false, "workflow-list");
        assertThat(untrusted.exit()).isNotZero();
        assertThat(untrusted.output()).containsIgnoringCase("certificate verify failed");
    }

    private record Result(int exit, String output) {}

    private Result mistral(boolean withCa, String... args) {
        List<String> cmd = new ArrayList<>(List.of("--os-mistral-url", server.base + "/mistral/v2"));
        if (withCa) cmd.addAll(List.of("--os-cacert", ca.file().toString()));
        cmd.addAll(List.of(args));
        // the system's CAs only: nothing in the environment may make the server trusted behind the test's back
        MistralCli.Run r = MistralCli.run(cmd, env -> env.keySet().removeAll(List.of("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "OS_CACERT")));
        if (withCa) assertThat(r.code()).as(r.out()).isZero();
        return new Result(r.code(), r.out());
    }
}
