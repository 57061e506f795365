package io.trailboss.action;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A process's output into a job log, line by line as it comes; shared by {@code shell} and {@code ansible}. */
final class LogRelay {
    private LogRelay() {
    }

    /**
     * Copies output to the log: everything up to the last complete line as soon as it is read, and a
     * pending partial line (a prompt, a progress bar) once it is a second old.
     */
    static void relay(InputStream in, ActionContext context, StringBuilder kept, int keep) throws IOException {
        Object lock = new Object();
        StringBuilder pending = new StringBuilder();
        long[] since = {0};
        Runnable flush = () -> {
            try {
                while (true) {
                    Thread.sleep(100);
                    synchronized (lock) {
                        if (pending.length() > 0 && System.currentTimeMillis() - since[0] >= 1000) emit(context, pending, whole(pending), kept, keep);
                    }
                }
            } catch (InterruptedException done) {
                // the process ended
            }
        };
        Thread flusher = null; // started by the first partial line: most scripts end every line
        try (java.io.Reader reader = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] chars = new char[8192];
            int n;
            while ((n = reader.read(chars)) >= 0) {
                // a NUL cannot be stored (PostgreSQL's text has none) nor sent to the server: it reads as U+FFFD,
                // as bytes that are not UTF-8 already do
                for (int i = 0; i < n; i++) if (chars[i] == 0) chars[i] = '\uFFFD';
                synchronized (lock) {
                    if (pending.length() == 0) since[0] = System.currentTimeMillis();
                    pending.append(chars, 0, n);
                    int lastLineEnd = pending.lastIndexOf("\n");
                    if (lastLineEnd >= 0) {
                        emit(context, pending, lastLineEnd + 1, kept, keep);
                        since[0] = System.currentTimeMillis();
                    }
                    if (pending.length() > 0 && flusher == null) flusher = Thread.startVirtualThread(flush);
                }
            }
        } finally {
            if (flusher != null) flusher.interrupt();
            synchronized (lock) {
                if (pending.length() > 0) emit(context, pending, pending.length(), kept, keep);
            }
        }
    }

    /** The length of pending text that ends on a whole character (a read may end between the two halves of a pair). */
    private static int whole(StringBuilder pending) {
        int n = pending.length();
        return n > 1 && Character.isHighSurrogate(pending.charAt(n - 1)) ? n - 1 : n;
    }

    private static void emit(ActionContext context, StringBuilder pending, int length, StringBuilder kept, int keep) {
        if (length == 0) return;
        String text = pending.substring(0, length);
        pending.delete(0, length);
        context.log().accept(text);
        kept.append(text);
        if (kept.length() > keep) {
            int cut = kept.length() - keep;
            // never keep the second half of a pair without its first
            if (Character.isLowSurrogate(kept.charAt(cut))) cut++;
            kept.delete(0, cut);
        }
    }

}
