package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.auth.Auth;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import io.trailboss.tls.ClientTrust;
import io.trailboss.tls.SelfSignedCertificate;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Debian's real nginx terminating TLS in front of a plain-HTTP server on loopback, configured with
 * the block the README shows (read from README.md, ports and files filled in), the server trusting
 * nginx's address ({@code --trusted-proxies 127.0.0.1}): HTTP/2 to nginx, HSTS and a {@code Secure}
 * session cookie from the forwarded scheme, a client's forged {@code X-Forwarded-For} not believed,
 * and an agent through nginx running a job that calls back through it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxFrontEndTest {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final String WORKFLOW = """
            version: '2.0'
            behind_nginx:
              tasks:
                greet:
                  targets: n1
                  action: shell
                  input:
                    script: |
                      echo "hi via $TRAILBOSS_SERVER"
                      curl -sSf -H "Authorization: Bearer $TRAILBOSS_TOKEN" "$TRAILBOSS_SERVER/api/v1/jobs/$TRAILBOSS_JOB_ID" > /dev/null && echo "called back"
            """;

    private TestServer server;
    private Process nginx;
    private Process agent;
    private Path dir;
    private Path certificate;
    private String front;
    private HttpClient http;

    @BeforeAll
    void start() throws Exception {
        if (!Files.isExecutable(NGINX)) {
            if ("true".equals(System.getenv("CI"))) throw new IllegalStateException("nginx is required in CI (apt-get install nginx-light)");
            Assumptions.abort("nginx is not installed (apt-get install nginx-light); skipping");
        }
        dir = Files.createTempDirectory("tb-nginx-");
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED,
                new ApiServer.Transport(null, List.of(Cidr.parse("127.0.0.1")), null));
        SelfSignedCertificate.Made made = SelfSignedCertificate.ensure(dir.resolve("tls"), List.of(), Clock.systemUTC());
        certificate = made.certificate();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String site = readmeBlock()
                .replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + server.api.port() + ";")
                .replace("listen 443 ssl http2;", "listen 127.0.0.1:" + port + " ssl http2;")
                .replace("/etc/ssl/trailboss/fullchain.pem", made.certificate().toString())
                .replace("/etc/ssl/trailboss/privkey.pem", made.key().toString());
        for (String temp : List.of("body", "proxy", "fastcgi", "uwsgi", "scgi")) Files.createDirectories(dir.resolve(temp));
        Files.writeString(dir.resolve("nginx.conf"), """
                user root;
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                %2$s
                }
                """.formatted(dir, site.indent(4)));
        nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        int nginxPort = port;
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            if (!nginx.isAlive()) throw new AssertionError("nginx exited: " + Files.readString(dir.resolve("nginx.out")) + Files.readString(dir.resolve("error.log")));
            try (Socket s = new Socket("127.0.0.1", nginxPort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        front = "https://127.0.0.1:" + port;
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(ClientTrust.of(certificate, List.of()).sslContext()).build();
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (agent != null) agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (nginx != null) nginx.destroy();
        if (nginx != null && !nginx.waitFor(10, TimeUnit.SECONDS)) nginx.destroyForcibly();
        if (server != null) server.close();
    }

    /** The nginx block of README.md, as written there. */
    static String readmeBlock() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("<!-- nginx-front-end[^>]*-->\\s*```nginx\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README.md has the nginx block after its marker").isTrue();
        return m.group(1);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void through_nginx_over_http2_the_session_cookie_is_secure_hsts_is_sent_and_a_forged_client_address_is_not_believed() throws Exception {
        HttpResponse<String> health = send(HttpRequest.newBuilder(URI.create(front + "/api/v1/health")));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(health.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");

        HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(front + "/login")).header("Content-Type", "application/json")
                .header("X-Forwarded-For", "198.51.100.4")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"admin\", \"password\": \"" + server.adminPassword + "\"}")));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).startsWith("tb_session=").contains("Secure"));
        var audit = server.get("/api/v1/audit?action=login&limit=1").map();
        assertThat(String.valueOf(((List<Map<String, Object>>) audit.get("items")).getFirst().get("detail"))).isEqualTo("from 127.0.0.1");
    }

    @Test
    @SuppressWarnings("unchecked")
    void an_agent_reaches_the_server_through_nginx_and_its_job_calls_back_through_it() throws Exception {
        assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "n1", "labels", Map.of("pool", "nginx"))).status()).isEqualTo(201);
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
        var issued = server.postJson("/api/v1/agents/tokens", Map.of("name", "behind", "labels", Map.of("pool", "nginx")));
        assertThat(issued.status()).isEqualTo(201);
        String java = ProcessHandle.current().info().command().orElse("java");
        agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "agent", "--server", front,
                "--token", (String) issued.map().get("token"), "--ca", certificate.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
        var started = server.postJson("/api/v1/executions", Map.of("workflow", "behind_nginx"));
        String id = (String) started.map().get("id");
        await().atMost(Duration.ofSeconds(90)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + id).map().get("state")));
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + id + "/tasks").map().get("items");
        Map<String, Object> job = ((List<Map<String, Object>>) server.get("/api/v1/tasks/" + tasks.getFirst().get("id") + "/jobs").map().get("items")).getFirst();
        String log = server.get("/api/v1/jobs/" + job.get("id") + "/log").body();
        assertThat(server.get("/api/v1/executions/" + id).map().get("state")).as(log + Files.readString(dir.resolve("agent.log"))).isEqualTo("SUCCESS");
        assertThat(job.get("runner")).isEqualTo("agent:behind");
        assertThat(log).contains("hi via " + front).contains("called back");
        assertThat(Files.readString(dir.resolve("agent.log"))).contains("connected to " + front + " (TLS, certificate issued by the CA of --ca");
    }
}
