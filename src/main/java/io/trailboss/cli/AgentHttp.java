package io.trailboss.cli;

import io.trailboss.tls.ClientTrust;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The agent's HTTP/1.1 client: blocking JSON posts over kept-alive sockets, one request per socket
 * at a time. An agent makes a few requests per job (claim, acknowledgement, result, log); the JDK's
 * asynchronous client spent more CPU on each of them than the job's own process did, which capped
 * the jobs an agent can move on a small machine. For an {@code https://} server each socket is
 * wrapped in TLS from one {@code SSLContext} (whose session cache lets new sockets resume the
 * session instead of a full handshake); kept-alive sockets make a handshake rare anyway.
 */
final class AgentHttp implements AutoCloseable {
    /** A status and the body as text. */
    record Response(int status, String body) {}

    private static final int MAX_HEADER_LINE = 16 * 1024;
    private final String host;
    private final int port;
    private final String basePath;
    private final String hostHeader;
    private final int connectTimeoutMillis;
    private final ClientTrust trust;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    AgentHttp(URI server, Duration connectTimeout) {
        this(server, connectTimeout, null);
    }

    /** {@code trust}: whom to trust for an {@code https://} server (ignored for {@code http://}). */
    AgentHttp(URI server, Duration connectTimeout, ClientTrust trust) {
        boolean https = "https".equalsIgnoreCase(server.getScheme());
        if (!https && !"http".equalsIgnoreCase(server.getScheme())) throw new IllegalArgumentException("only http:// and https:// servers, not " + server);
        if (server.getHost() == null) throw new IllegalArgumentException("no host in " + server);
        this.trust = https ? (trust == null ? ClientTrust.system() : trust) : null;
        this.host = server.getHost();
        this.port = server.getPort() < 0 ? (https ? 443 : 80) : server.getPort();
        String path = server.getRawPath() == null ? "" : server.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        // URI keeps the brackets of an IPv6 literal, as the Host header wants them
        this.hostHeader = host.contains(":") && !host.startsWith("[") ? "[" + host + "]:" + port : host + ":" + port;
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
    }

    /**
     * Posts {@code json} to {@code path} and reads the whole answer. A kept-alive socket the server
     * had already closed (idle timeout, restart) fails before any answer byte arrives: the request
     * then goes once more on a new socket, as the server never read it.
     */
    Response post(String path, String json, String bearer, Duration timeout) throws IOException {
        byte[] request = request(path, json, bearer);
        while (true) {
            Connection c = idle.pollFirst();
            boolean reused = c != null;
            if (c == null) c = open();
            try {
                c.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                c.out.write(request);
                c.out.flush();
                Response r = c.read();
                if (c.reusable && !closed) idle.offerFirst(c);
                else c.close();
                return r;
            } catch (StaleConnection e) {
                c.close();
                if (!reused) throw new EOFException("the server closed the connection without an answer");
            } catch (IOException | RuntimeException e) {
                c.close();
                if (!reused || e instanceof SocketTimeoutException || c.answered) throw e;
                // a reused socket that broke before the answer began: try a fresh one
            }
        }
    }

    private byte[] request(String path, String json, String bearer) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + basePath + path + " HTTP/1.1\r\n"
                + "Host: " + hostHeader + "\r\n"
                + "Authorization: Bearer " + bearer + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Accept: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    private Connection open() throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            if (trust == null) return new Connection(socket);
            String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            SSLSocket tls = (SSLSocket) trust.sslContext().getSocketFactory().createSocket(socket, name, port, true);
            SSLParameters parameters = tls.getSSLParameters();
            // checked against CAs, the certificate must name the host; a pinned one is the server whatever its name
            if (trust.checksHostName()) parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            tls.setSSLParameters(parameters);
            tls.setSoTimeout(Math.max(connectTimeoutMillis, 1000));
            tls.startHandshake();
            return new Connection(tls);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.pollFirst()) != null) c.close();
    }

    /** The server closed a kept-alive socket before answering. */
    private static final class StaleConnection extends IOException {
        StaleConnection() {
            super("connection closed by the server");
        }
    }

    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        boolean reusable;
        boolean answered;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
        }

        Response read() throws IOException {
            answered = false;
            String status = line(true);
            answered = true;
            // "HTTP/1.1 200 OK"
            if (!status.startsWith("HTTP/1.") || status.length() < 12) throw new IOException("not an HTTP/1.x answer: " + status);
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean keepAlive = status.startsWith("HTTP/1.1");
            for (String h = line(false); !h.isEmpty(); h = line(false)) {
                int colon = h.indexOf(':');
                if (colon <= 0) continue;
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> {
                        String v = value.toLowerCase(Locale.ROOT);
                        if (v.contains("close")) keepAlive = false;
                        else if (v.contains("keep-alive")) keepAlive = true;
                    }
                    default -> { }
                }
            }
            if (code / 100 == 1) return read(); // an interim answer: the real one follows
            byte[] body;
            if (code == 204 || code == 304) {
                body = new byte[0];
            } else if (chunked) {
                body = chunked();
            } else if (length >= 0) {
                body = in.readNBytes((int) length);
                if (body.length < length) throw new EOFException("the answer ended early");
            } else {
                body = in.readAllBytes(); // no length: the body ends with the connection
                keepAlive = false;
            }
            reusable = keepAlive;
            return new Response(code, new String(body, StandardCharsets.UTF_8));
        }

        private byte[] chunked() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line(false);
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!line(false).isEmpty()) { } // trailers
                    return body.toByteArray();
                }
                byte[] part = in.readNBytes(n);
                if (part.length < n) throw new EOFException("the answer ended early");
                body.write(part);
                line(false);
            }
        }

        /** One header line without its CRLF; EOF before the first byte of an answer means a stale socket. */
        private String line(boolean first) throws IOException {
            StringBuilder sb = new StringBuilder(64);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (first && sb.isEmpty()) throw new StaleConnection();
                    throw new EOFException("the answer ended early");
                }
                if (b == '\n') {
                    int end = sb.length();
                    if (end > 0 && sb.charAt(end - 1) == '\r') sb.setLength(end - 1);
                    return sb.toString();
                }
                if (sb.length() >= MAX_HEADER_LINE) throw new IOException("an answer header line is too long");
                sb.append((char) b);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
