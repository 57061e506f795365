package io.trailboss.engine;

import io.trailboss.json.Json;
import io.trailboss.store.Sealer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Secret inputs (an operation form's secret fields) travel through an execution sealed:
 * {@code {"$secret": "v1:..."}} in its input, its context and its run, so the database and the API hold
 * only ciphertext. They are opened only to render a job's input, and the job's input is then sealed at
 * rest and the opened values are masked wherever the job shows them.
 */
public final class SealedInputs {
    public static final String MARKER = "$secret";
    private static final String AAD = "input";

    private SealedInputs() {}

    public static Map<String, Object> seal(Sealer sealer, Object plain) {
        String sealed = sealer.seal(AAD, Json.write(plain));
        if (sealed == null) throw new IllegalStateException("secret inputs need the secret key, and none is configured");
        return Map.of(MARKER, sealed);
    }

    public static boolean isSealed(Object value) {
        return value instanceof Map<?, ?> m && m.size() == 1 && m.get(MARKER) instanceof String;
    }

    /**
     * Refuses a sealed input in what a caller gives: only the server seals, from an operation's secret fields;
     * a copied ciphertext must not be opened into somebody else's job.
     */
    public static Map<String, Object> refuseIn(Map<String, Object> input) {
        if (contains(input)) {
            throw new InvalidInputException("input", "input values cannot be objects with the single key '" + MARKER
                    + "': secret values are given through an operation's secret fields");
        }
        return input;
    }

    /** True when {@code value} holds a sealed input anywhere. */
    public static boolean contains(Object value) {
        return switch (value) {
            case Map<?, ?> m -> isSealed(m) || m.values().stream().anyMatch(SealedInputs::contains);
            case List<?> l -> l.stream().anyMatch(SealedInputs::contains);
            case null, default -> false;
        };
    }

    /** {@code value} with every sealed input opened; the opened values (as text) are added to {@code opened}. */
    public static Object open(Object value, Sealer sealer, List<String> opened) {
        return switch (value) {
            case Map<?, ?> m when isSealed(m) -> {
                Object plain = Json.read(sealer.open(AAD, (String) m.get(MARKER)));
                collect(plain, opened);
                yield plain;
            }
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), open(v, sealer, opened)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                for (Object o : l) out.add(open(o, sealer, opened));
                yield out;
            }
            case null, default -> value;
        };
    }

    /** {@code value} with every sealed input shown as the mask. */
    public static Object masked(Object value) {
        return switch (value) {
            case Map<?, ?> m when isSealed(m) -> Secrets.MASK;
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), masked(v)));
                yield out;
            }
            case List<?> l -> l.stream().map(SealedInputs::masked).toList();
            case null, default -> value;
        };
    }

    private static void collect(Object plain, List<String> opened) {
        switch (plain) {
            case String s when !s.isEmpty() -> opened.add(s);
            case Map<?, ?> m -> m.values().forEach(v -> collect(v, opened));
            case List<?> l -> l.forEach(v -> collect(v, opened));
            case null -> { }
            default -> opened.add(String.valueOf(plain));
        }
    }
}
