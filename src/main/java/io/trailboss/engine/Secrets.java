package io.trailboss.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Replaces secret values wherever they appear in text or plain data. */
public final class Secrets {
    public static final String MASK = "********";

    private Secrets() {}

    public static String mask(String text, Collection<String> secrets) {
        if (text == null) return null;
        String out = text;
        for (String s : secrets) if (s != null && !s.isEmpty()) out = out.replace(s, MASK);
        return out;
    }

    public static Object mask(Object value, Collection<String> secrets) {
        if (secrets.isEmpty()) return value;
        return switch (value) {
            case String s -> mask(s, secrets);
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), mask(v, secrets)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>();
                for (Object o : l) out.add(mask(o, secrets));
                yield out;
            }
            case null, default -> value;
        };
    }
}
