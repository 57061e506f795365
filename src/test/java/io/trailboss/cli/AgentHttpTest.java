package io.trailboss.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The agent's HTTP/1.1 client against a raw socket server that answers the ways servers do: with a
 * length, chunked, or by closing; and that closes kept-alive sockets between requests.
 */
class AgentHttpTest {
    /** Answers each request on a socket with the next canned answer; after the last one on a socket, closes it. */
    private static Thread serve(ServerSocket server, List<String> answers, int perSocket, AtomicInteger sockets, List<String> seen) {
        return Thread.ofVirtual().start(() -> {
            int next = 0;
            try {
                while (next < answers.size()) {
                    try (Socket s = server.accept()) {
                        sockets.incrementAndGet();
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                        OutputStream out = s.getOutputStream();
                        for (int i = 0; i < perSocket && next < answers.size(); i++) {
                            String line = in.readLine();
                            int length = 0;
                            StringBuilder head = new StringBuilder(line);
                            for (String h = in.readLine(); !h.isEmpty(); h = in.readLine()) {
                                head.append('\n').append(h);
                                if (h.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(h.substring(15).trim());
                            }
                            char[] body = new char[length];
                            int read = 0;
                            while (read < length) read += in.read(body, read, length - read);
                            seen.add(head + "\n\n" + new String(body));
                            out.write(answers.get(next++).getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                        }
                    }
                }
            } catch (Exception e) {
                // the test ends
            }
        });
    }

    @Test
    void reads_answers_with_a_length_chunked_or_ended_by_close_and_reuses_the_socket() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicInteger sockets = new AtomicInteger();
            serve(server, List.of(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"one\": 1}\n",
                    "HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n4;ext=1\r\n 22}\r\n0\r\n\r\n",
                    "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"last\": true}"), 3, sockets, seen);
            try (AgentHttp http = new AgentHttp(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/base/"), Duration.ofSeconds(5))) {
                List<AgentHttp.Response> answers = new ArrayList<>();
                answers.add(http.post("/api/x", "{\"q\":1}", "tok", Duration.ofSeconds(5)));
                answers.add(http.post("/api/y", "{}", "tok", Duration.ofSeconds(5)));
                answers.add(http.post("/api/z", "{}", "tok", Duration.ofSeconds(5)));
                assertThat(answers).extracting(AgentHttp.Response::status).containsExactly(200, 409, 200);
                assertThat(answers).extracting(AgentHttp.Response::body).containsExactly("{\"one\": 1}\n", "{\"a\": 22}", "{\"last\": true}");
            }
            assertThat(sockets.get()).isEqualTo(1);
            assertThat(seen.getFirst()).startsWith("POST /base/api/x HTTP/1.1").contains("Authorization: Bearer tok").endsWith("\n\n{\"q\":1}");
        }
    }

    @Test
    void a_kept_alive_socket_the_server_closed_is_replaced_and_the_request_sent_once() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicInteger sockets = new AtomicInteger();
            // one answer per socket, then the server closes it: the client's idle socket is stale
            serve(server, List.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}"), 1, sockets, seen);
            try (AgentHttp http = new AgentHttp(URI.create("http://127.0.0.1:" + server.getLocalPort()), Duration.ofSeconds(5))) {
                assertThat(http.post("/first", "{}", "t", Duration.ofSeconds(5)).status()).isEqualTo(200);
                Thread.sleep(200); // the server has closed the first socket by now
                assertThat(http.post("/second", "{}", "t", Duration.ofSeconds(5)).status()).isEqualTo(201);
            }
            assertThat(sockets.get()).isEqualTo(2);
            assertThat(seen).hasSize(2); // the retried request reached the server once
        }
    }
}
