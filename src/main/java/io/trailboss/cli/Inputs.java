package io.trailboss.cli;

import io.trailboss.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --input k=v} (v read as JSON when it parses, else as text) and {@code --input @file.json}. */
final class Inputs {
    private Inputs() {}

    static Map<String, Object> parse(List<String> specs) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        if (specs == null) return out;
        for (String spec : specs) {
            if (spec.startsWith("@")) {
                out.putAll(Json.readMap(Files.readString(Path.of(spec.substring(1)))));
                continue;
            }
            int eq = spec.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--input expects key=value or @file.json, not '" + spec + "'");
            String value = spec.substring(eq + 1);
            Object parsed;
            try {
                parsed = Json.read(value);
            } catch (IllegalArgumentException notJson) {
                parsed = value;
            }
            out.put(spec.substring(0, eq), parsed);
        }
        return out;
    }
}
