package io.trailboss.trigger;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.trailboss.engine.ConflictException;
import io.trailboss.engine.Ids;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.NotFoundException;
import io.trailboss.engine.UnauthorizedException;
import io.trailboss.expr.EvaluationScope;
import io.trailboss.expr.ExpressionException;
import io.trailboss.expr.Expressions;
import io.trailboss.operation.FieldError;
import io.trailboss.operation.FormException;
import io.trailboss.operation.Operations;
import io.trailboss.operation.Runs;
import io.trailboss.operation.TargetRun;
import io.trailboss.target.SecretBox;
import io.trailboss.target.TargetException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggers: cron schedules and inbound webhooks that start a workflow or an operation. Cron parsing and
 * next-fire times come from cron-utils (Unix five-field syntax, in the trigger's time zone). Each cron
 * trigger's next fire time is a column: the scheduler locks the due rows ({@code SKIP LOCKED}, so several
 * nodes fire each time once), moves them to their next time and records a PENDING firing in one
 * transaction, then fires; a PENDING firing left by a crash is fired on restart. A firing missed while no
 * server ran fires once, then the schedule goes on from now. The scheduler waits for the earliest due
 * time on the injected clock, looking at least once a second (so a clock that jumps is noticed).
 */
public final class Triggers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Triggers.class);
    private static final Set<String> KEYS = Set.of("cron", "time_zone", "overlap", "workflow", "operation", "target", "input", "webhook", "paused");
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final String SIGNATURE_HEADER = "X-Trailboss-Signature";
    public static final String TOKEN_HEADER = "X-Trailboss-Token";

    private final Jdbi jdbi;
    private final Clock clock;
    private final Runs runs;
    private final Operations operations;
    private final SecretBox box;
    private final Expressions expressions = new Expressions();
    private final TriggerStore store = new TriggerStore();
    private final Object wake = new Object();
    private volatile boolean running = true;
    private Thread scheduler;

    public Triggers(Jdbi jdbi, Clock clock, Runs runs, Operations operations, SecretBox box) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.runs = runs;
        this.operations = operations;
        this.box = box;
    }

    /** Fires what a crash left PENDING, then starts the scheduler. */
    public void start() {
        for (Firing f : jdbi.withHandle(store::pending)) {
            jdbi.withHandle(h -> store.byName(h, f.trigger())).ifPresentOrElse(t -> fire(t, f, Map.of()),
                    () -> finish(new Firing(f.id(), f.trigger(), f.firedAt(), f.dueAt(), Firing.Outcome.FAILED, "the trigger was deleted", null, null)));
        }
        scheduler = Thread.ofPlatform().daemon().name("triggers").start(this::schedule);
    }

    // ------------------------------------------------------------------ declaring

    /** What saving a trigger answers: the trigger and, for a new webhook, its secret (shown this once). */
    public record Saved(Trigger trigger, String secret) {}

    public Saved save(String name, Map<String, Object> spec) {
        List<FieldError> errors = new ArrayList<>();
        String badName = io.trailboss.model.Names.problem("trigger", name);
        if (badName != null) errors.add(new FieldError("name", badName));
        spec.keySet().forEach(k -> {
            if (!KEYS.contains(k)) errors.add(new FieldError(k, "unknown key (allowed: " + String.join(", ", KEYS.stream().sorted().toList()) + ")"));
        });
        String cron = text(spec, "cron", errors);
        // trigger_def keeps the schedule in VARCHAR(255), the time zone in VARCHAR(64)
        if (cron != null && cron.length() > 255) {
            errors.add(new FieldError("cron", io.trailboss.model.Names.lengthProblem("a cron schedule", cron, 255)));
            cron = null;
        }
        Map<String, Object> webhook = null;
        if (spec.get("webhook") instanceof Map<?, ?> w) {
            webhook = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : w.entrySet()) webhook.put(String.valueOf(e.getKey()), e.getValue());
        } else if (spec.get("webhook") != null) errors.add(new FieldError("webhook", "must be {auth: token|hmac}"));
        if ((cron == null) == (webhook == null)) errors.add(new FieldError("cron", "a trigger has either a cron schedule or a webhook"));
        String zone = text(spec, "time_zone", errors);
        if (zone != null && zone.length() > 64) {
            errors.add(new FieldError("time_zone", io.trailboss.model.Names.lengthProblem("a time zone", zone, 64)));
            zone = null;
        }
        ZoneId zoneId = ZoneId.of("UTC");
        if (zone != null) {
            try {
                zoneId = ZoneId.of(zone);
            } catch (DateTimeException e) {
                errors.add(new FieldError("time_zone", "unknown time zone '" + zone + "' (for example Europe/Paris, UTC)"));
            }
        }
        if (cron != null) {
            try {
                CRON.parse(cron).validate();
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("cron", "not a five-field cron expression (minute hour day-of-month month day-of-week): " + e.getMessage()));
            }
        }
        Trigger.Overlap overlap = Trigger.Overlap.SKIP;
        String o = text(spec, "overlap", errors);
        if (o != null) {
            try {
                overlap = Trigger.Overlap.valueOf(o.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("overlap", "must be skip, queue or allow, not '" + o + "'"));
            }
        }
        String workflow = text(spec, "workflow", errors);
        String operation = text(spec, "operation", errors);
        String target = text(spec, "target", errors);
        if ((workflow == null) == (operation == null)) errors.add(new FieldError("workflow", "a trigger starts either a workflow or an operation (with a target)"));
        if (operation != null && target == null) errors.add(new FieldError("target", "an operation trigger names the target to run it on"));
        if (workflow != null && target != null) errors.add(new FieldError("target", "a target goes with an operation, not a workflow"));
        if (target != null && !io.trailboss.model.Names.valid(target)) errors.add(new FieldError("target", io.trailboss.model.Names.problem("target", target)));
        try {
            if (workflow != null) operations.spec(workflow);
            if (operation != null) operations.get(operation);
        } catch (NotFoundException e) {
            errors.add(new FieldError(workflow != null ? "workflow" : "operation", e.getMessage()));
        }
        Map<String, Object> input = new LinkedHashMap<>();
        if (spec.get("input") instanceof Map<?, ?> m) m.forEach((k, v) -> input.put(String.valueOf(k), v));
        else if (spec.get("input") != null) errors.add(new FieldError("input", "must be a mapping"));
        Trigger.Auth auth = null;
        if (webhook != null) {
            for (String k : webhook.keySet()) if (!k.equals("auth")) errors.add(new FieldError("webhook." + k, "unknown key (allowed: auth)"));
            try {
                auth = Trigger.Auth.valueOf(String.valueOf(webhook.getOrDefault("auth", "hmac")).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("webhook.auth", "must be token or hmac, not '" + webhook.get("auth") + "'"));
            }
        }
        Object paused = spec.get("paused");
        if (paused != null && !(paused instanceof Boolean)) errors.add(new FieldError("paused", "must be true or false"));
        if (!errors.isEmpty()) throw new FormException(errors);
        long now = clock.millis();
        Trigger existing = jdbi.withHandle(h -> store.byName(h, name)).orElse(null);
        String secret = null;
        Object sealed = null;
        if (auth != null) {
            if (existing != null && existing.secret() != null) sealed = existing.secret();
            else {
                byte[] raw = new byte[24];
                RANDOM.nextBytes(raw);
                secret = HexFormat.of().formatHex(raw);
                sealed = box.seal("trigger:" + name, secret);
            }
        }
        Long next = cron == null ? null : nextAfter(cron, zoneId, now);
        Trigger t = new Trigger(name, cron != null ? Trigger.Kind.CRON : Trigger.Kind.WEBHOOK, cron, zoneId.getId(), overlap, workflow, operation, target,
                input, auth, sealed, Boolean.TRUE.equals(paused), next, existing == null ? now : existing.createdAt(), now);
        jdbi.useTransaction(h -> store.save(h, t));
        wake();
        return new Saved(t, secret);
    }

    private static String text(Map<String, Object> spec, String key, List<FieldError> errors) {
        Object v = spec.get(key);
        if (v == null) return null;
        if (!(v instanceof String s) || s.isBlank()) {
            errors.add(new FieldError(key, "must be non-blank text"));
            return null;
        }
        return s;
    }

    /** The first time after {@code after} (epoch ms) that the schedule names, in its time zone. */
    static long nextAfter(String cron, ZoneId zone, long after) {
        Cron c = CRON.parse(cron);
        return ExecutionTime.forCron(c).nextExecution(ZonedDateTime.ofInstant(Instant.ofEpochMilli(after), zone))
                .map(z -> z.toInstant().toEpochMilli()).orElse(Long.MAX_VALUE);
    }

    public Trigger get(String name) {
        return jdbi.withHandle(h -> store.byName(h, name)).orElseThrow(() -> new NotFoundException("trigger '" + name + "' does not exist"));
    }

    public List<Trigger> list() {
        return jdbi.withHandle(store::list);
    }

    public void delete(String name) {
        if (!jdbi.inTransaction(h -> store.delete(h, name))) throw new NotFoundException("trigger '" + name + "' does not exist");
    }

    /** Pauses (nothing fires; webhooks are refused) or resumes a trigger; a resumed schedule goes on from now. */
    public Trigger setPaused(String name, boolean paused) {
        Trigger t = get(name);
        long now = clock.millis();
        Trigger changed = new Trigger(t.name(), t.kind(), t.cron(), t.timeZone(), t.overlap(), t.workflow(), t.operation(), t.target(), t.input(),
                t.auth(), t.secret(), paused, t.cron() == null ? null : nextAfter(t.cron(), ZoneId.of(t.timeZone()), now), t.createdAt(), now);
        jdbi.useTransaction(h -> store.save(h, changed));
        wake();
        return changed;
    }

    public List<Firing> firings(String name, int limit, int offset) {
        get(name);
        return jdbi.withHandle(h -> store.firings(h, name, limit, offset));
    }

    // ------------------------------------------------------------------ webhooks

    /**
     * An inbound webhook: checks the token or the HMAC-SHA256 signature of the raw body, then fires with the
     * JSON body as {@code body}. Every call is recorded, refused ones included.
     */
    public Firing hook(String name, byte[] rawBody, Map<String, String> headers) {
        Trigger t = jdbi.withHandle(h -> store.byName(h, name)).filter(x -> x.kind() == Trigger.Kind.WEBHOOK)
                .orElseThrow(() -> new NotFoundException("no webhook trigger '" + name + "'"));
        long now = clock.millis();
        String secret = String.valueOf(box.open("trigger:" + name, t.secret()));
        boolean ok;
        String why;
        if (t.auth() == Trigger.Auth.TOKEN) {
            String given = header(headers, TOKEN_HEADER);
            String bearer = header(headers, "Authorization");
            if (given == null && bearer != null && bearer.startsWith("Bearer ")) given = bearer.substring(7).trim();
            ok = given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8));
            why = given == null ? "no token (header " + TOKEN_HEADER + " or Authorization: Bearer)" : "wrong token";
        } else {
            String given = header(headers, SIGNATURE_HEADER);
            String expected = "sha256=" + hmac(secret, rawBody);
            ok = given != null && MessageDigest.isEqual(given.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8),
                    expected.getBytes(StandardCharsets.UTF_8));
            why = given == null ? "no signature (header " + SIGNATURE_HEADER + ": sha256=HEX of HMAC-SHA256 over the body)" : "wrong signature";
        }
        if (!ok) {
            record(new Firing(Ids.next(), name, now, null, Firing.Outcome.REFUSED, why, null, null));
            throw new UnauthorizedException("webhook '" + name + "': " + why);
        }
        if (t.paused()) {
            Firing f = new Firing(Ids.next(), name, now, null, Firing.Outcome.REFUSED, "the trigger is paused", null, null);
            record(f);
            throw new ConflictException("trigger '" + name + "' is paused");
        }
        Object body;
        String text = new String(rawBody, StandardCharsets.UTF_8);
        try {
            body = text.isBlank() ? null : io.trailboss.json.Json.read(text);
            if (body == null) body = Map.of(); // no body, or JSON null: nothing for the templates to read
        } catch (IllegalArgumentException e) {
            record(new Firing(Ids.next(), name, now, null, Firing.Outcome.FAILED, "the body is not JSON", null, null));
            throw new InvalidInputException("body", "the webhook body is not JSON: " + e.getMessage());
        }
        Firing pending = new Firing(Ids.next(), name, now, null, Firing.Outcome.PENDING, null, null, null);
        record(pending);
        return fire(t, pending, body);
    }

    private static String header(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
        return null;
    }

    /** The lowercase hex HMAC-SHA256 of {@code body} under {@code secret}: what a sender puts after "sha256=". */
    public static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ firing

    private void record(Firing f) {
        jdbi.useTransaction(h -> store.insertFiring(h, f));
    }

    private void finish(Firing f) {
        jdbi.useTransaction(h -> store.updateFiring(h, f));
    }

    /** Starts the trigger's workflow or operation for a recorded PENDING firing, and records what came of it. */
    private Firing fire(Trigger t, Firing pending, Object body) {
        Firing done;
        String by = "trigger:" + t.name();
        try {
            Map<String, Object> input = input(t, body);
            TargetRun run;
            if (t.operation() != null) {
                // the target's one-at-a-time rule stands: allow queues like queue
                run = runs.runOperation(t.target(), t.operation(), input, t.overlap() != Trigger.Overlap.SKIP, by);
            } else {
                String slot = t.overlap() == Trigger.Overlap.ALLOW ? null : Runs.slotOfTrigger(t.name());
                run = runs.runWorkflow(t.workflow(), input, slot, t.overlap() == Trigger.Overlap.QUEUE, by);
            }
            done = new Firing(pending.id(), t.name(), pending.firedAt(), pending.dueAt(),
                    run.state() == TargetRun.State.QUEUED ? Firing.Outcome.QUEUED : Firing.Outcome.STARTED, null, run.id(), run.executionId());
        } catch (ConflictException busy) {
            done = new Firing(pending.id(), t.name(), pending.firedAt(), pending.dueAt(), Firing.Outcome.SKIPPED, busy.getMessage(), null, null);
        } catch (FormException | InvalidInputException | NotFoundException | TargetException | ExpressionException e) {
            done = new Firing(pending.id(), t.name(), pending.firedAt(), pending.dueAt(), Firing.Outcome.FAILED, e.getMessage(), null, null);
        } catch (RuntimeException e) {
            LOG.error("firing trigger {} failed", t.name(), e);
            done = new Firing(pending.id(), t.name(), pending.firedAt(), pending.dueAt(), Firing.Outcome.FAILED, e.toString(), null, null);
        }
        finish(done);
        return done;
    }

    /** The trigger's input rendered with {@code body}; a workflow input named {@code body} gets the body itself. */
    private Map<String, Object> input(Trigger t, Object body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> rendered = new LinkedHashMap<>((Map<String, Object>) expressions.evaluate(t.input(), body, Map.of("body", body), EvaluationScope.NONE));
        String workflow = t.workflow() != null ? t.workflow() : operations.get(t.operation()).workflow();
        boolean takesBody = operations.spec(workflow).input().stream().anyMatch(p -> p.name().equals("body"));
        if (takesBody && !rendered.containsKey("body")) rendered.put("body", body);
        return rendered;
    }

    private void schedule() {
        while (running) {
            try {
                long now = clock.millis();
                Long next = jdbi.withHandle(store::nextDue);
                if (next != null && next <= now) {
                    fireDue();
                    continue;
                }
                // a second at most: another node may have saved a trigger, or the clock may have jumped
                long wait = next == null ? 1000 : Math.max(1, Math.min(1000, next - now));
                synchronized (wake) {
                    if (running) wake.wait(wait);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) return;
                LOG.warn("trigger scheduler: {}", e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** One pass: every due cron trigger is moved to its next time and recorded as PENDING, then fired. */
    void fireDue() {
        long now = clock.millis();
        List<Map.Entry<Trigger, Firing>> due = jdbi.inTransaction(h -> {
            List<Map.Entry<Trigger, Firing>> out = new ArrayList<>();
            for (Trigger t : store.lockDue(h, now)) {
                store.setNext(h, t.name(), nextAfter(t.cron(), ZoneId.of(t.timeZone()), now));
                Firing f = new Firing(Ids.next(), t.name(), now, t.nextFireAt(), Firing.Outcome.PENDING, null, null, null);
                store.insertFiring(h, f);
                out.add(Map.entry(t, f));
            }
            return out;
        });
        for (Map.Entry<Trigger, Firing> e : due) fire(e.getKey(), e.getValue(), Map.of());
    }

    private void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** A trigger as the API shows it (never its secret). */
    public static Map<String, Object> view(Trigger t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", t.name());
        v.put("kind", t.kind().name().toLowerCase());
        if (t.cron() != null) {
            v.put("cron", t.cron());
            v.put("time_zone", t.timeZone());
        }
        v.put("overlap", t.overlap().name().toLowerCase());
        if (t.workflow() != null) v.put("workflow", t.workflow());
        if (t.operation() != null) {
            v.put("operation", t.operation());
            v.put("target", t.target());
        }
        v.put("input", t.input());
        if (t.auth() != null) v.put("webhook", Map.of("auth", t.auth().name().toLowerCase(), "path", "/api/v1/hooks/" + t.name()));
        v.put("paused", t.paused());
        if (t.nextFireAt() != null && !t.paused()) v.put("next_fire_at", Instant.ofEpochMilli(t.nextFireAt()).toString());
        return v;
    }

    public static Map<String, Object> view(Firing f) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", f.id());
        v.put("trigger", f.trigger());
        v.put("fired_at", Instant.ofEpochMilli(f.firedAt()).toString());
        if (f.dueAt() != null) v.put("due_at", Instant.ofEpochMilli(f.dueAt()).toString());
        v.put("outcome", f.outcome().name());
        if (f.detail() != null) v.put("detail", f.detail());
        if (f.runId() != null) v.put("run_id", f.runId());
        if (f.executionId() != null) v.put("execution_id", f.executionId());
        return v;
    }

    @Override
    public void close() {
        running = false;
        wake();
        if (scheduler != null) {
            try {
                scheduler.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
