package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A kept-alive connection survives a request whose body arrives after its headers, at a route that
 * answers without reading the body: the body is read before the answer, so the next request on the
 * same connection is answered too (otherwise the server would close the connection under a client
 * that goes on using it, which the JDK's client reports as "header parser received no bytes").
 */
class UnreadBodyTest {
    @Test
    void the_next_request_on_the_connection_is_answered_after_a_late_body_the_route_did_not_read() throws Exception {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            URI base = URI.create(server.base);
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                String host = "Host: " + base.getHost() + ":" + base.getPort() + "\r\n";
                out.write(("POST /api/v1/triggers/none/pause HTTP/1.1\r\n" + host + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.sleep(300); // the body comes later, as from a client that writes headers and body apart
                out.write("{}".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                assertThat(readResponse(in)).startsWith("HTTP/1.1 404");

                out.write(("GET /health/live HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                assertThat(readResponse(in)).as("the same connection answers the next request").startsWith("HTTP/1.1 200");
            }
        }
    }

    /** The status line of one response, its headers and body read (Content-Length or chunked); null at end of stream. */
    private static String readResponse(BufferedReader in) throws Exception {
        String status = in.readLine();
        if (status == null) return "(connection closed)";
        long length = -1;
        boolean chunked = false;
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) length = Long.parseLong(lower.substring(15).trim());
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
        }
        if (chunked) {
            while (true) {
                int size = Integer.parseInt(in.readLine().trim(), 16);
                in.skip(size);
                in.readLine();
                if (size == 0) break;
            }
        } else if (length > 0) {
            in.skip(length);
        }
        return status;
    }
}
