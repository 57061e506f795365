package io.trailboss.testing;

import io.trailboss.json.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads a server-sent event stream over real HTTP in the background and keeps every event. */
public final class SseRecorder implements AutoCloseable {
    public record Received(String event, String id, Map<String, Object> data) {}

    public final List<Received> events = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final Thread reader;
    private final InputStream body;

    public SseRecorder(String url) {
        this(url, null);
    }

    /** {@code authorization}: the Authorization header to send (a server with authentication required), or null. */
    public SseRecorder(String url, String authorization) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
            if (authorization != null) request.header("Authorization", authorization);
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            body = response.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        reader = Thread.startVirtualThread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String event = null;
                String id = null;
                StringBuilder data = new StringBuilder();
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        if (event != null) events.add(new Received(event, id, data.isEmpty() ? Map.of() : Json.readMap(data.toString())));
                        event = null;
                        id = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
            } catch (Exception gone) {
                // stream closed
            } finally {
                closed = true;
            }
        });
    }

    /** True once the server closed the stream. */
    public boolean closed() {
        return closed;
    }

    public List<String> names() {
        return events.stream().map(Received::event).toList();
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (Exception ignored) {
            // closing anyway
        }
        reader.interrupt();
    }
}
