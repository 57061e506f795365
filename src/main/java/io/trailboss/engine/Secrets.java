package io.trailboss.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Replaces secret values wherever they appear in text or plain data. */
public final class Secrets {
    public static final String MASK = "********";
    /**
     * A job token as issued ({@code tbj_<job id>.<secret>}) or of the shape before tokens named their job:
     * masked in every job log and output even where the token itself is not known (an agent's job
     * after a restart of the server that issued it, another node's job).
     */
    private static final Pattern JOB_TOKEN = Pattern.compile("tbj_[A-Za-z0-9_.-]{20,200}");

    private Secrets() {}

    /**
     * {@code text} with every character that belongs to an occurrence of a secret hidden; a run of
     * hidden characters (one secret, or secrets that touch or overlap) shows as one {@link #MASK}, so
     * that no part of any secret shows, whatever order the secrets come in.
     */
    public static String mask(String text, Collection<String> secrets) {
        if (text == null || secrets.isEmpty()) return text;
        boolean[] hidden = null;
        for (String s : secrets) {
            if (s == null || s.isEmpty()) continue;
            for (int at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1)) {
                if (hidden == null) hidden = new boolean[text.length()];
                java.util.Arrays.fill(hidden, at, at + s.length(), true);
            }
        }
        if (hidden == null) return text;
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!hidden[i]) out.append(text.charAt(i));
            else if (i == 0 || !hidden[i - 1]) out.append(MASK);
        }
        return out.toString();
    }

    /** {@code text} with anything shaped like a job token masked. */
    public static String maskJobTokens(String text) {
        if (text == null || !text.contains("tbj_")) return text;
        return JOB_TOKEN.matcher(text).replaceAll(MASK);
    }

    /** {@code value} with the secrets and anything shaped like a job token masked (a job's output). */
    public static Object maskWithTokens(Object value, Collection<String> secrets) {
        return switch (value) {
            case String s -> maskJobTokens(mask(s, secrets));
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), maskWithTokens(v, secrets)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>();
                for (Object o : l) out.add(maskWithTokens(o, secrets));
                yield out;
            }
            case null, default -> value;
        };
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
