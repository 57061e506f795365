package io.trailboss.engine;

import io.trailboss.store.JobLogStore;
import io.trailboss.store.JobLogStore.Chunk;
import java.time.Clock;
import io.trailboss.store.PromptStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Appends to job logs: each chunk is committed, then published live. A log stops growing at the
 * per-job cap, and its last chunk says so. A line that starts with {@value #PROMPT} is a question
 * for a person: it is stored as an open prompt in the chunk's transaction (the inbox shows it), and
 * closed when the job's process ends.
 */
public final class JobLogs {
    public static final long DEFAULT_CAP = 4L * 1024 * 1024;
    public static final int MAX_CHUNK = 256 * 1024;
    public static final String PROMPT = "::prompt::";

    private final Jdbi jdbi;
    private final Clock clock;
    private final LogHub hub;
    private volatile long cap;
    private final JobLogStore store = new JobLogStore();
    private final io.trailboss.store.JobStore jobs;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final PromptStore prompts = new PromptStore();
    // jobs of this process that asked something: only their end costs a look at the prompt table
    // (after a restart the inbox still hides prompts of jobs that are no longer running)
    private final java.util.Set<String> asking = ConcurrentHashMap.newKeySet();
    private volatile Consumer<PromptStore.Prompt> promptListener = p -> { };
    private volatile NodeSignals signals = NodeSignals.NONE;

    public JobLogs(Jdbi jdbi, Clock clock, LogHub hub, long cap, io.trailboss.store.JobStore jobs) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.clock = clock;
        this.hub = hub;
        this.cap = cap;
    }

    /** Sets the per-job cap in bytes (characters) for logs written from now on. */
    public void cap(long bytes) {
        if (bytes < 1024) throw new IllegalArgumentException("a log cap below 1024 bytes is too small to be useful: " + bytes);
        this.cap = bytes;
    }

    /** Told (after commit) of each prompt a job asked, and of each prompt closed with its job (state CLOSED). */
    public void onPrompt(Consumer<PromptStore.Prompt> listener) {
        this.promptListener = listener;
    }

    void signals(NodeSignals signals) {
        this.signals = signals;
    }

    /**
     * Another node stored chunk {@code seq} of a job: followers here read it from the table (only
     * when someone here follows the job or its execution). They drop what they already have by
     * sequence number, so a chunk read twice or late does no harm.
     */
    public void chunkElsewhere(String executionId, String jobId, int seq) {
        if (!hub.follows(executionId, jobId)) return;
        for (Chunk c : read(jobId, seq)) {
            if (c.seq() != seq) break;
            hub.publish(executionId, jobId, c);
        }
    }

    /** Another node's job ended: what this node held back of its output is stored, and its followers here are told. */
    public void endedElsewhere(String jobId) {
        flush(jobId);
        hub.end(jobId);
    }

    public LogHub hub() {
        return hub;
    }

    /** The per-job cap in bytes (characters). */
    public long cap() {
        return cap;
    }

    /** What a job's failure says when its log reached the cap. */
    public String capReached() {
        return "the job's log reached its cap of " + cap + " bytes: the job was stopped";
    }

    /**
     * Appends text the server writes into a job's log (not the job's own output): masked with the
     * secrets the job's output was last masked with, after what its output still holds back.
     */
    public boolean append(String executionId, String jobId, String text) {
        Held h = held.get(jobId);
        return append(executionId, jobId, text, h == null ? List.of() : h.secrets());
    }

    /**
     * Appends a chunk of a job's output with {@code secrets} masked, and anything shaped like a job
     * token; returns false when the log is at its cap: this chunk was cut there (the log says so) or
     * nothing was stored because the log was full already. A runner then stops the job and fails it
     * ({@link #capReached}): output beyond the cap would be lost. A chunk may
     * end with the start of a secret whose rest comes in the next chunk: that end is held back (see
     * {@link StreamMask}) until the next chunk, or until the job's log is closed here or the job ends
     * on another node.
     */
    public boolean append(String executionId, String jobId, String text, List<String> secrets) {
        if (text.isEmpty()) return true;
        if (text.length() > MAX_CHUNK) throw new InvalidInputException("chunk", "a log chunk may hold at most " + MAX_CHUNK + " characters, not " + text.length());
        Object lock = locks.computeIfAbsent(jobId, k -> new Object());
        synchronized (lock) {
            Held h = held.get(jobId);
            if (secrets.isEmpty() && h == null) return write(executionId, jobId, Secrets.maskJobTokens(text));
            // only a stream that holds something keeps its state here: most jobs' chunks end with a line
            StreamMask mask = h == null ? new StreamMask() : h.mask();
            List<String> masks = secrets.isEmpty() ? h.secrets() : secrets;
            String shown = mask.next(text, masks);
            if (mask.holds()) held.put(jobId, new Held(executionId, mask, masks));
            else held.remove(jobId);
            return shown.isEmpty() || write(executionId, jobId, Secrets.maskJobTokens(shown));
        }
    }

    /** What a job's masked output holds back, with the secrets it was masked with. */
    private record Held(String executionId, StreamMask mask, List<String> secrets) {}

    private final Map<String, Held> held = new ConcurrentHashMap<>();

    /** The job's output ended (here or on another node): what its mask held back is stored. */
    private void flush(String jobId) {
        Held h = held.get(jobId);
        if (h == null) return;
        synchronized (locks.computeIfAbsent(jobId, k -> new Object())) {
            h = held.remove(jobId);
            if (h != null) {
                String rest = h.mask().end(h.secrets());
                if (!rest.isEmpty()) write(h.executionId(), jobId, Secrets.maskJobTokens(rest));
            }
        }
    }

    private boolean write(String executionId, String jobId, String text) {
        if (text.isEmpty()) return true;
        // one writer per job at a time keeps chunk numbers dense and in order: the caller holds the job's lock
        List<PromptStore.Prompt> asked = new ArrayList<>();
        boolean[] cut = {false};
        boolean[] gone = {false};
        Chunk stored = jdbi.inTransaction(h -> {
            asked.clear();
            // the job's row is locked first: a delete of its execution either waits for this chunk or has taken the job away
            java.util.Optional<Long> logged = jobs.lockLogSize(h, jobId);
            gone[0] = logged.isEmpty();
            if (gone[0]) return null;
            long size = logged.get();
            if (size >= cap) return null;
            String chunk = text;
            cut[0] = size + text.length() > cap;
            if (cut[0]) {
                chunk = text.substring(0, (int) (cap - size)) + "\n[log truncated: the job's log reached its cap of " + cap + " bytes]\n";
            }
            int seq = store.nextSeq(h, jobId);
            long at = clock.millis();
            store.append(h, jobId, seq, at, chunk);
            jobs.growLog(h, jobId, chunk.length());
            signals.logChunk(h, executionId, jobId, seq);
            for (String question : questions(chunk)) {
                PromptStore.Prompt p = new PromptStore.Prompt(UUID.randomUUID().toString(), jobId, executionId, question, PromptStore.OPEN, at, null, null, null);
                prompts.insert(h, p);
                asked.add(p);
            }
            return new Chunk(seq, at, chunk);
        });
        if (gone[0]) return true; // nothing to keep: the job was deleted (and stopped) with its execution
        if (stored == null) return false;
        hub.publish(executionId, jobId, stored);
        if (!asked.isEmpty()) asking.add(jobId);
        asked.forEach(this::tell);
        return !cut[0];
    }

    /**
     * The questions in a chunk: lines that start with the prompt marker. A chunk holds whole lines,
     * or a partial line a job left waiting (a question without a newline), so it starts a line.
     */
    static List<String> questions(String chunk) {
        if (!chunk.contains(PROMPT)) return List.of();
        List<String> out = new ArrayList<>();
        for (String line : chunk.split("\n")) {
            if (line.startsWith(PROMPT)) out.add(line.substring(PROMPT.length()).strip());
        }
        return out;
    }

    private void tell(PromptStore.Prompt p) {
        try {
            promptListener.accept(p);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(JobLogs.class).error("a prompt listener failed", e);
        }
    }

    public List<Chunk> read(String jobId, int from) {
        return jdbi.withHandle(h -> store.from(h, jobId, from));
    }

    /** The job's process is over: followers of the job are told, and the per-job lock is dropped. */
    public void closed(String jobId) {
        flush(jobId);
        locks.remove(jobId);
        hub.end(jobId);
        signals.logEnded(jobId);
        if (!asking.remove(jobId)) return;
        try {
            List<PromptStore.Prompt> closed = jdbi.inTransaction(h -> {
                List<PromptStore.Prompt> open = prompts.byJob(h, jobId).stream().filter(p -> p.state().equals(PromptStore.OPEN)).toList();
                if (!open.isEmpty()) prompts.closeForJob(h, jobId, clock.millis());
                return open;
            });
            closed.forEach(p -> tell(new PromptStore.Prompt(p.id(), p.jobId(), p.executionId(), p.text(), PromptStore.CLOSED, p.createdAt(), null, null, clock.millis())));
        } catch (RuntimeException e) {
            // the runner must go on (free its slot, report the outcome); the inbox hides prompts of ended jobs anyway
            org.slf4j.LoggerFactory.getLogger(JobLogs.class).warn("cannot close the prompts of job {}", jobId, e);
        }
    }
}
