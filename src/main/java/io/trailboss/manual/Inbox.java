package io.trailboss.manual;

import io.trailboss.engine.ConflictException;
import io.trailboss.engine.Engine;
import io.trailboss.engine.Event;
import io.trailboss.engine.NotFoundException;
import io.trailboss.json.Json;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.store.JobStore;
import io.trailboss.store.PromptStore;
import io.trailboss.store.PromptStore.Prompt;
import io.trailboss.target.SecretBox;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.jdbi.v3.core.Jdbi;

/**
 * Everything waiting for a person: manual steps (async jobs of the {@code manual} action) and
 * prompts running jobs asked. A person completes a manual step with answers that fit its form,
 * fails it with a reason, or answers a prompt (the text goes to the job's standard input).
 *
 * <p>A decision is recorded in the job's result under {@code _decision} ({@code by}, {@code at},
 * and for a failure the {@code reason}). Secret answers are sealed with the server's secret key
 * (AES-256-GCM, as secret params) before they reach the result, so the database and every API
 * answer hold them only as {@code {"$encrypted": ...}}; the inbox and {@code manual show} print
 * {@code ********}.
 */
public final class Inbox {
    public static final String DECISION = "_decision";

    private final Engine engine;
    private final Jdbi jdbi;
    private final SecretBox box;
    private final BiPredicate<String, String> stdin;
    private final JobStore jobs;
    private final PromptStore prompts = new PromptStore();

    /** {@code stdin}: sends text to a running job's standard input (local or on an agent); false if it is not running. */
    public Inbox(Engine engine, SecretBox box, BiPredicate<String, String> stdin) {
        this.engine = engine;
        this.jdbi = engine.jdbi();
        this.jobs = engine.jobStore();
        this.box = box;
        this.stdin = stdin;
        engine.jobLogs().onPrompt(p -> engine.events().publish(Event.inbox(p.executionId(), p.jobId(),
                PromptStore.OPEN.equals(p.state()) ? "prompt-open" : "prompt-closed", p.text(), engine.clock().millis())));
    }

    /** The manual action, telling this inbox's followers when a step starts to wait. */
    public ManualAction action() {
        return new ManualAction(context -> engine.events().publish(Event.inbox(context.executionId(), context.jobId(), "manual-waiting",
                null, engine.clock().millis())));
    }

    /** One thing waiting: a manual step (with its instructions and form) or a prompt (with its question). */
    public record Item(PromptStore.Waiting row, String instructions, Form form) {
        public boolean manual() {
            return "manual".equals(row.kind());
        }
    }

    public record Page(List<Item> items, long total) {}

    /** What waits for a person, oldest first. */
    public Page list(int limit, int offset) {
        return list(null, null, limit, offset);
    }

    /**
     * What waits for a person, oldest first, of what a reader sees: with a {@code scope} (scoped grants) only the
     * jobs of its targets (see {@link PromptStore#waiting}); with {@code job}, only that job's.
     */
    public Page list(io.trailboss.store.TargetScope scope, String job, int limit, int offset) {
        return jdbi.withHandle(h -> {
            List<Item> items = prompts.waiting(h, scope, job, limit, offset).stream().map(Inbox::item).toList();
            return new Page(items, prompts.countWaiting(h, scope, job));
        });
    }

    private static Item item(PromptStore.Waiting w) {
        if (!"manual".equals(w.kind())) return new Item(w, null, null);
        Map<String, Object> input = Json.readMap(w.body());
        Form.Parsed form = Form.parse(input.get("form"), false);
        return new Item(w, String.valueOf(input.get("instructions")), form.problems().isEmpty() ? form.form() : Form.EMPTY);
    }

    /** A manual step as it is now, waiting or decided. */
    public record Step(Job job, String instructions, Form form) {
        public boolean waiting() {
            return job.state() == JobState.RUNNING && job.async();
        }
    }

    public Step step(String jobId) {
        Job job = jdbi.withHandle(h -> jobs.find(h, jobId)).orElseThrow(() -> new NotFoundException("job '" + jobId + "' does not exist"));
        if (!ManualAction.NAME.equals(job.action())) {
            throw new ConflictException("job '" + jobId + "' runs action '" + job.action() + "', it is not a manual step");
        }
        Form.Parsed form = Form.parse(job.input().get("form"), false);
        return new Step(job, String.valueOf(job.input().get("instructions")), form.problems().isEmpty() ? form.form() : Form.EMPTY);
    }

    /**
     * Completes a waiting manual step: the answers are checked field by field (all problems at once,
     * nothing changes if any), defaults applied, secrets sealed; the result goes to the engine.
     */
    public Job complete(String jobId, Map<String, Object> answers, String by) {
        Step step = waiting(jobId);
        Map<String, Object> values = step.form().answers(answers);
        Map<String, Object> output = new LinkedHashMap<>();
        for (FormField f : step.form().fields()) {
            Object v = values.get(f.name());
            output.put(f.name(), f.type() == FormField.Type.SECRET && v != null ? box.seal(sealName(jobId, f.name()), v) : v);
        }
        output.put(DECISION, decision("completed", by, null));
        Job job = decide(jobId, true, output, null);
        engine.events().publish(Event.inbox(job.executionId(), jobId, "manual-completed", "by " + by, engine.clock().millis()));
        return job;
    }

    /** Fails a waiting manual step with a reason; the task's on-error (or retry) decides what follows. */
    public Job fail(String jobId, String reason, String by) {
        waiting(jobId);
        Job job = decide(jobId, false, Map.of(DECISION, decision("failed", by, reason)), reason);
        engine.events().publish(Event.inbox(job.executionId(), jobId, "manual-failed", "by " + by + ": " + reason, engine.clock().millis()));
        return job;
    }

    /** The plain value of a sealed secret answer (for code that must use it; never for API answers). */
    public Object openSecret(String jobId, String field, Object sealed) {
        return box.open(sealName(jobId, field), sealed);
    }

    private static String sealName(String jobId, String field) {
        // the job and field are the associated data: a sealed answer cannot be moved to another
        return "manual:" + jobId + ":" + field;
    }

    private Map<String, Object> decision(String what, String by, String reason) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("decision", what);
        d.put("by", by);
        d.put("at", java.time.Instant.ofEpochMilli(engine.clock().millis()).toString());
        if (reason != null) d.put("reason", reason);
        return d;
    }

    private Step waiting(String jobId) {
        Step step = step(jobId);
        Job job = step.job();
        if (job.state().isFinal()) {
            String decided = job.output() instanceof Map<?, ?> o && o.get(DECISION) instanceof Map<?, ?> d
                    ? " (" + d.get("decision") + " by " + d.get("by") + " at " + d.get("at") + ")" : "";
            throw new ConflictException("job '" + jobId + "' is " + job.state() + decided + ": the manual step is no longer waiting");
        }
        if (!step.waiting()) throw new ConflictException("job '" + jobId + "' is " + job.state() + " and not yet waiting for a person; try again in a moment");
        return step;
    }

    private Job decide(String jobId, boolean success, Object output, String error) {
        Engine.Completion c = engine.completeAsync(jobId, success, output, error);
        // someone else decided between our check and our transaction
        if (!c.changed()) throw new ConflictException("job '" + jobId + "' is " + c.job().state() + ": it was decided meanwhile");
        return c.job();
    }

    // ------------------------------------------------------------------ prompts

    public Prompt prompt(String id) {
        return jdbi.withHandle(h -> prompts.find(h, id)).orElseThrow(() -> new NotFoundException("prompt '" + id + "' does not exist"));
    }

    /**
     * Answers an open prompt: it is marked answered (only one answer wins), then the text and a
     * newline go to the job's standard input. A job that is no longer running closes the prompt.
     */
    public Prompt answer(String id, String text, String by) {
        Prompt p = prompt(id);
        if (!PromptStore.OPEN.equals(p.state())) {
            throw new ConflictException("prompt '" + id + "' is " + p.state() + (p.answeredBy() == null ? "" : " (by " + p.answeredBy() + ")") + ": it takes no answer");
        }
        long now = engine.clock().millis();
        if (!jdbi.inTransaction(h -> prompts.answer(h, id, by, now))) {
            throw new ConflictException("prompt '" + id + "' was answered or closed meanwhile");
        }
        if (!stdin.test(p.jobId(), text + "\n")) {
            jdbi.useTransaction(h -> prompts.close(h, id, now));
            Job job = jdbi.withHandle(h -> jobs.find(h, p.jobId())).orElse(null);
            engine.events().publish(Event.inbox(p.executionId(), p.jobId(), "prompt-closed", p.text(), now));
            throw new ConflictException("prompt '" + id + "' is closed: its job is " + (job == null ? "gone" : job.state()) + ", not running");
        }
        engine.events().publish(Event.inbox(p.executionId(), p.jobId(), "prompt-answered", p.text(), now));
        return prompt(id);
    }
}
