package io.trailboss.engine;

import java.util.Collection;

/**
 * Masks secrets in text that arrives in chunks (a job's output, cut wherever a read or a one-second
 * flush of a partial line happened to cut it): the end of a chunk that could be the start of a
 * secret is held back until the next chunk shows whether it is one, or until the stream ends. What
 * is held is shorter than the longest secret, and nothing is held when no chunk ends like the start
 * of a secret. Not thread-safe: one stream, one writer at a time.
 */
public final class StreamMask {
    private final StringBuilder held = new StringBuilder();

    /** The part of {@code held + chunk} that can be shown now, masked; the rest is held back. */
    public String next(String chunk, Collection<String> secrets) {
        if (secrets.isEmpty() && held.isEmpty()) return chunk;
        String raw = held.isEmpty() ? chunk : held + chunk;
        held.setLength(0);
        int cut = safeEnd(raw, secrets);
        held.append(raw, cut, raw.length());
        return Secrets.mask(raw.substring(0, cut), secrets);
    }

    /** The stream ended: what was held back, masked (it is no whole secret, only text that began like one). */
    public String end(Collection<String> secrets) {
        String raw = held.toString();
        held.setLength(0);
        return Secrets.mask(raw, secrets);
    }

    /** Whether text is held back. */
    public boolean holds() {
        return !held.isEmpty();
    }

    /**
     * Where the text that may be shown now ends: before the longest end of {@code raw} that is the
     * start of a secret (but not the whole of it), and never inside a whole occurrence of a secret,
     * which must be masked as one.
     */
    static int safeEnd(String raw, Collection<String> secrets) {
        int n = raw.length();
        int cut = n;
        for (String s : secrets) {
            if (s == null || s.length() < 2) continue;
            char first = s.charAt(0);
            // the longest k first: an end of k characters equal to the secret's first k
            for (int k = Math.min(s.length() - 1, n); k >= 1 && n - k < cut; k--) {
                if (raw.charAt(n - k) == first && raw.regionMatches(n - k, s, 0, k)) {
                    cut = n - k;
                    break;
                }
            }
        }
        // an occurrence of a secret that the cut would split goes whole into what is held
        boolean moved = true;
        while (moved) {
            moved = false;
            for (String s : secrets) {
                if (s == null || s.isEmpty() || cut == 0) continue;
                int at = raw.indexOf(s, Math.max(0, cut - s.length() + 1));
                if (at >= 0 && at < cut && at + s.length() > cut) {
                    cut = at;
                    moved = true;
                }
            }
        }
        return cut;
    }
}
