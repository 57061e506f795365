package io.trailboss.action;

import io.trailboss.definition.InputParam;
import io.trailboss.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** std.noop, std.echo, std.fail, std.sleep, std.http and std.async_noop. */
public final class StandardActions {
    private StandardActions() {}

    public static List<Action> all() {
        return List.of(new Noop(), new Echo(), new Fail(), new Sleep(), new Http(), new AsyncNoop());
    }

    private static InputParam optional(String name, Object value) {
        return new InputParam(name, false, value);
    }

    static final class Noop implements Action {
        public boolean instant() { return true; }

        public String name() { return "std.noop"; }

        @Override
        public String description() { return "Does nothing and succeeds."; }

        public List<InputParam> parameters() { return List.of(); }

        public ActionResult run(Map<String, Object> input, ActionContext context) {
            return new ActionResult.Success(null);
        }
    }

    static final class Echo implements Action {
        public boolean instant() { return true; }

        public String name() { return "std.echo"; }

        @Override
        public String description() { return "Answers its 'output' input as its result."; }

        // as Mistral 15 declares it: 'output' required, 'delay' 0
        public List<InputParam> parameters() { return List.of(new InputParam("output", true, null), optional("delay", 0)); }

        public ActionResult run(Map<String, Object> input, ActionContext context) throws InterruptedException {
            // Mistral's delay: seconds, a fraction allowed; negative or not a number is no delay
            double delay = seconds(input.get("delay"));
            if (delay > MAX_DELAY_SECONDS) return new ActionResult.Failure("std.echo: 'delay' is " + delay + " s; at most " + MAX_DELAY_SECONDS, null);
            if (delay > 0) Thread.sleep((long) (delay * 1000));
            return new ActionResult.Success(input.get("output"));
        }

        private static final double MAX_DELAY_SECONDS = 24 * 3600;

        private static double seconds(Object v) {
            try {
                double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
                return Double.isNaN(d) || d < 0 ? 0 : d;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    static final class Fail implements Action {
        public boolean instant() { return true; }

        public String name() { return "std.fail"; }

        @Override
        public String description() { return "Fails, with 'error_data' as its error."; }

        public List<InputParam> parameters() { return List.of(optional("error_data", null)); }

        public ActionResult run(Map<String, Object> input, ActionContext context) {
            Object data = input.get("error_data");
            // the message shows the data as Python's str() does, which is how Mistral states a failure
            return new ActionResult.Failure(data == null ? "Fail action expected exception." : io.trailboss.expr.Expressions.pythonText(data), data);
        }
    }

    static final class Sleep implements Action {
        public String name() { return "std.sleep"; }

        @Override
        public String description() { return "Waits 'seconds' seconds, then succeeds."; }

        @Override
        public boolean rerunAfterNodeLoss() { return true; }

        public List<InputParam> parameters() { return List.of(new InputParam("seconds", true, null)); }

        public ActionResult run(Map<String, Object> input, ActionContext context) throws InterruptedException {
            Object seconds = input.get("seconds");
            double s;
            try {
                s = seconds instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(seconds));
            } catch (NumberFormatException e) {
                return new ActionResult.Failure("std.sleep: 'seconds' must be a number, not '" + seconds + "'", null);
            }
            Thread.sleep((long) (Math.max(0, s) * 1000));
            return new ActionResult.Success(null);
        }
    }

    static final class AsyncNoop implements Action {
        public boolean instant() { return true; }

        public String name() { return "std.async_noop"; }

        @Override
        public String description() { return "Does nothing and waits until it is completed through the API."; }

        public List<InputParam> parameters() { return List.of(); }

        public ActionResult run(Map<String, Object> input, ActionContext context) {
            return new ActionResult.Async();
        }
    }

    /** An HTTP request; a status of 400 or more fails the action, with the response as its output. */
    static final class Http implements Action {
        private final HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();

        public String name() { return "std.http"; }

        @Override
        public String description() { return "Sends an HTTP request; a status of 400 or more fails it, with the response as its output."; }

        @Override
        public boolean rerunAfterNodeLoss() { return true; }

        public List<InputParam> parameters() {
            return List.of(new InputParam("url", true, null), optional("method", "GET"), optional("params", null),
                    optional("body", null), optional("json", null), optional("headers", null), optional("timeout", 60),
                    optional("allow_redirects", true), optional("verify", true), optional("auth", null),
                    optional("cookies", null), optional("proxies", null));
        }

        public ActionResult run(Map<String, Object> input, ActionContext context) throws Exception {
            String url = String.valueOf(input.get("url"));
            if (input.get("params") instanceof Map<?, ?> params && !params.isEmpty()) {
                StringBuilder q = new StringBuilder();
                params.forEach((k, v) -> q.append(q.isEmpty() ? "" : "&")
                        .append(URLEncoder.encode(String.valueOf(k), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8)));
                url += (url.contains("?") ? "&" : "?") + q;
            }
            String method = String.valueOf(input.getOrDefault("method", "GET")).toUpperCase();
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
            if (input.get("json") != null) {
                body = HttpRequest.BodyPublishers.ofString(Json.write(input.get("json")));
                request.header("Content-Type", "application/json");
            } else if (input.get("body") != null) {
                Object b = input.get("body");
                body = HttpRequest.BodyPublishers.ofString(b instanceof String s ? s : Json.write(b));
            }
            if (input.get("headers") instanceof Map<?, ?> headers) headers.forEach((k, v) -> request.header(String.valueOf(k), String.valueOf(v)));
            Object timeout = input.getOrDefault("timeout", 60);
            request.timeout(Duration.ofMillis((long) (Double.parseDouble(String.valueOf(timeout)) * 1000)));
            HttpResponse<String> response = client.send(request.method(method, body).build(), HttpResponse.BodyHandlers.ofString());
            Object content = response.body();
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.contains("json")) {
                try {
                    content = Json.readLenient(response.body());
                } catch (IllegalArgumentException notJson) {
                    content = response.body();
                }
            }
            Map<String, Object> headers = new LinkedHashMap<>();
            response.headers().map().forEach((k, v) -> headers.put(k, v.size() == 1 ? v.get(0) : v));
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("content", content);
            output.put("status", response.statusCode());
            output.put("headers", headers);
            if (response.statusCode() >= 400) {
                return new ActionResult.Failure("HTTP " + response.statusCode() + " from " + method + " " + url, output);
            }
            return new ActionResult.Success(output);
        }
    }
}
