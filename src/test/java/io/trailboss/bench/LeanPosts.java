package io.trailboss.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lean HTTP/1.1 load client, the way wrk measures a server: each client thread keeps one socket
 * alive, writes a request whose bytes were encoded beforehand (every request its own body), and
 * reads the status line, the headers and exactly Content-Length bytes of the answer (chunked
 * answers are read too), checking each status. It spends a few microseconds per post, so the CPU
 * it leaves to the server is what the server needs, unlike the JDK's HttpClient (a selector
 * thread, futures and header maps per request, about as much CPU as the server's own work).
 *
 * <p>Runs in the bench's JVM ({@link #post}) or as a separate process ({@link #main}: the requests
 * come from a file, and the process waits for "go" on stdin so that its start-up is outside the
 * measurement), so that the server's CPU per post can be measured with nothing else in its JVM.
 */
final class LeanPosts {
    /** Posts sent, wall seconds from the first post to the last answer, CPU seconds of the process over that time. */
    record Run(int posts, double seconds, double cpuSeconds) {}

    private LeanPosts() {}

    /**
     * One request's bytes: request line, Host, Content-Type, Content-Length, {@code extraHeaders}
     * (each "Name: value"), then the body.
     */
    static byte[] request(String method, String host, int port, String path, List<String> extraHeaders, byte[] body) {
        StringBuilder head = new StringBuilder(160).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append(':').append(port).append("\r\nContent-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        for (String h : extraHeaders) head.append(h).append("\r\n");
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /**
     * Sends every request of {@code requests} once, from {@code clients} threads on kept-alive
     * connections to {@code host:port}; every answer must have status {@code expected}.
     */
    static Run post(String host, int port, List<byte[]> requests, int clients, int expected) throws IOException, InterruptedException {
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        double cpu0 = cpuSeconds();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().name("lean-post-" + c).start(() -> {
                Connection conn = null;
                try {
                    int i;
                    while ((i = next.getAndIncrement()) < requests.size() && errors.isEmpty()) {
                        if (conn == null) conn = new Connection(host, port);
                        int status = conn.exchange(requests.get(i));
                        if (status != expected) {
                            errors.add("status " + status + " (expected " + expected + "): " + new String(conn.body, 0, Math.min(conn.bodyLength, 500), StandardCharsets.UTF_8));
                        }
                        if (conn.closeAfter) {
                            conn.close();
                            conn = null;
                        }
                    }
                } catch (IOException e) {
                    errors.add(e.toString());
                } finally {
                    if (conn != null) conn.close();
                }
            }));
        }
        for (Thread t : threads) t.join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = cpuSeconds() - cpu0;
        if (!errors.isEmpty()) throw new IOException("posting failed: " + errors.peek());
        return new Run(requests.size(), seconds, cpu);
    }

    static double cpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** One kept-alive connection: writes a request, reads one answer. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final StringBuilder line = new StringBuilder(128);
        byte[] body = new byte[8192];
        int bodyLength;
        boolean closeAfter;

        Connection(String host, int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(60_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        int exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = readLine();
            if (!status.startsWith("HTTP/1.1 ") && !status.startsWith("HTTP/1.0 ")) throw new IOException("not an HTTP answer: " + status);
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            closeAfter = status.startsWith("HTTP/1.0");
            String h;
            while (!(h = readLine()).isEmpty()) {
                int colon = h.indexOf(':');
                if (colon < 0) continue;
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            bodyLength = 0;
            if (chunked) {
                while (true) {
                    String size = readLine();
                    int semi = size.indexOf(';');
                    int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                    if (n == 0) {
                        while (!readLine().isEmpty()) { } // trailers
                        break;
                    }
                    readBody(n);
                    readLine();
                }
            } else if (length >= 0) {
                readBody((int) length);
            } else {
                throw new IOException("an answer without Content-Length or chunked encoding");
            }
            return code;
        }

        private void readBody(int n) throws IOException {
            if (bodyLength + n > body.length) body = java.util.Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + n));
            int read = 0;
            while (read < n) {
                int r = in.read(body, bodyLength + read, n - read);
                if (r < 0) throw new EOFException("the connection closed inside an answer");
                read += r;
            }
            bodyLength += n;
        }

        private String readLine() throws IOException {
            line.setLength(0);
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) throw new EOFException("the connection closed before an answer");
                if (b != '\r') line.append((char) b);
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
    }

    // ------------------------------------------------------------ the client process

    /** Writes the requests for {@link #main} to read: a count, then each request's length and bytes. */
    static void writeRequests(Path file, List<byte[]> requests) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            out.writeInt(requests.size());
            for (byte[] r : requests) {
                out.writeInt(r.length);
                out.write(r);
            }
        }
    }

    private static List<byte[]> readRequests(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            int n = in.readInt();
            List<byte[]> requests = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] r = new byte[in.readInt()];
                in.readFully(r);
                requests.add(r);
            }
            return requests;
        }
    }

    /**
     * The client process: {@code host port requestsFile clients expectedStatus}. Prints "ready",
     * waits for a line on stdin, posts, then prints "done posts seconds cpuSeconds" (or "failed ...").
     */
    public static void main(String[] args) throws Exception {
        List<byte[]> requests = readRequests(Path.of(args[2]));
        // a few posts of its own first would change the server's counts; the client's JIT warms up on the first posts instead
        System.out.println("ready");
        System.out.flush();
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        try {
            Run run = post(args[0], Integer.parseInt(args[1]), requests, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            System.out.printf(Locale.ROOT, "done %d %.6f %.6f%n", run.posts(), run.seconds(), run.cpuSeconds());
        } catch (IOException e) {
            System.out.println("failed " + e.getMessage().replace('\n', ' '));
        }
        System.out.flush();
    }

    /** A client process started with the bench's own java and class path. */
    static final class ClientProcess implements AutoCloseable {
        private final Process process;
        private final java.io.BufferedReader out;
        private final Path file;

        ClientProcess(String host, int port, List<byte[]> requests, int clients, int expected) throws IOException {
            file = Files.createTempFile("trailboss-lean-posts-", ".bin");
            writeRequests(file, requests);
            String java = ProcessHandle.current().info().command().orElse("java");
            process = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), LeanPosts.class.getName(),
                    host, String.valueOf(port), file.toString(), String.valueOf(clients), String.valueOf(expected))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            if (!"ready".equals(first)) throw new IOException("the client process did not start: " + first);
        }

        /** Starts the posts and waits for them all; the caller measures its own CPU around this. */
        Run run() throws IOException {
            process.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            String last = out.readLine();
            if (last == null) {
                try {
                    boolean ended = process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                    throw new IOException("the client process closed its output" + (ended ? " and exited with " + process.exitValue() : ""));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            if (!last.startsWith("done ")) throw new IOException("the client process: " + last);
            String[] f = last.split(" ");
            return new Run(Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]));
        }

        @Override
        public void close() throws IOException {
            process.destroy();
            try {
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Files.deleteIfExists(file);
        }
    }
}
