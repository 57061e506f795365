package io.trailboss.api;

import io.javalin.http.Context;
import io.trailboss.app.Trailboss;
import io.trailboss.auth.Grant;
import io.trailboss.auth.Principal;
import io.trailboss.auth.Role;
import io.trailboss.auth.TargetFacts;
import io.trailboss.engine.NotFoundException;
import io.trailboss.model.Execution;
import io.trailboss.model.Job;
import io.trailboss.model.TaskExecution;
import io.trailboss.operation.TargetRun;
import io.trailboss.store.ExecutionStore;
import io.trailboss.store.TargetScope;
import io.trailboss.model.Target;
import io.trailboss.target.TargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the caller of one request may read. A global grant (or a server running open) reads everything. Grants
 * that are all scoped read the targets they reach (a group: a target and its descendants; a label selector)
 * and what is bound to those targets: their params, runs, lifecycles and job history, the executions bound to
 * them (with their tasks), the jobs that ran on them (or, without a target of their own, in an execution bound
 * to them), those jobs' logs, prompts and manual steps. A running job's token reads only its own job and its
 * execution. Direct reads of anything out of sight answer 404 as if it did not exist (whether it exists or
 * not); lists leave it out, filtered in SQL where they are large. Definitions (workflows, operations, stages,
 * stage maps, triggers, profiles, param declarations), metrics, nodes and recordings are not bound to targets:
 * every person with a grant reads them. A job reads none of them but /ara (ARA's callback and the ansible action
 * record through it), whose routes admit job tokens by their own role.
 */
public final class Visibility {
    static final String ATTRIBUTE = "tb.visibility";

    private enum Kind { ALL, TARGETS, JOB }

    /** Outside a request checked by Security (no lookups of single objects: those go through a request's own). */
    private static final Visibility EVERYTHING = new Visibility(null, Kind.ALL, null, null);
    /** The routes a job's token may read (with what is read checked to be its own), besides /ara. */
    private static final List<String> JOB_READS = List.of("/api/v1/me", "/api/v1/executions", "/api/v1/tasks/", "/api/v1/jobs/",
            "/api/v1/inbox", "/api/v1/manual/", "/api/v1/prompts/", "/mistral/v2/executions", "/mistral/v2/tasks/", "/mistral/v2/action_executions/",
            // an expression over its own execution (over another one: 404, as reading it)
            "/api/v1/expressions/evaluate");
    private static final Set<String> JOB_ROOTS = Set.of("/mistral", "/mistral/v2");

    private final Trailboss tb;
    private final Kind kind;
    private final Principal principal;
    private final TargetScope scope;
    // what was decided, per request (a stream keeps its own for its life: the most recent ones)
    private final Map<String, Boolean> seenTargets = recent();
    private final Map<String, Boolean> seenExecutions = recent();
    private final Map<String, Boolean> seenJobs = recent();
    private String jobExecution;

    private Visibility(Trailboss tb, Kind kind, Principal principal, TargetScope scope) {
        this.tb = tb;
        this.kind = kind;
        this.principal = principal;
        this.scope = scope;
    }

    /** What this request's caller may read (everything when nobody set it: a server running open). */
    public static Visibility of(Context ctx) {
        Visibility v = ctx.attribute(ATTRIBUTE);
        return v != null ? v : EVERYTHING;
    }

    /** Everything, with lookups of single objects through {@code tb} (one instance serves every request). */
    static Visibility everything(Trailboss tb) {
        return new Visibility(tb, Kind.ALL, null, null);
    }

    /** {@code p} null: nobody authenticated (a public route), who reads nothing bound to targets. */
    static Visibility of(Trailboss tb, Principal p) {
        if (p != null && p.kind() == Principal.Kind.JOB) return new Visibility(tb, Kind.JOB, p, new TargetScope(List.of(), List.of()));
        if (p != null && p.hasGlobally(Role.VIEWER)) return everything(tb);
        List<String> groups = new ArrayList<>();
        List<Map<String, String>> selectors = new ArrayList<>();
        for (Grant g : p == null ? List.<Grant>of() : p.roles()) {
            if (g.group() != null) groups.add(g.group());
            else if (!g.labels().isEmpty()) selectors.add(g.labels());
        }
        return new Visibility(tb, Kind.TARGETS, p, new TargetScope(groups, selectors));
    }

    /** Whether a job's token may read this route at all (what it reads is then checked to be its own). */
    static boolean jobMayRead(String route) {
        return JOB_ROOTS.contains(route) || JOB_READS.stream().anyMatch(route::startsWith);
    }

    public boolean all() {
        return kind == Kind.ALL;
    }

    /** The targets in sight, for lists filtered in SQL; null when everything is. A job sees no target. */
    public TargetScope targetScope() {
        return kind == Kind.ALL ? null : scope;
    }

    /** The one job a job's token reads, null for anybody else. */
    public String onlyJob() {
        return kind == Kind.JOB ? principal.subject() : null;
    }

    /** An executions filter narrowed to what is in sight. */
    public ExecutionStore.Filter executions(ExecutionStore.Filter f) {
        return switch (kind) {
            case ALL -> f;
            case TARGETS -> f.within(scope);
            case JOB -> f.only(jobExecution());
        };
    }

    // ------------------------------------------------------------------ single objects

    public boolean seesTarget(String idOrName) {
        if (kind == Kind.ALL) return true;
        if (kind == Kind.JOB || idOrName == null || principal == null) return false;
        return seenTargets.computeIfAbsent(idOrName, k -> {
            TargetFacts facts = facts(tb, k);
            return facts != null && principal.has(Role.VIEWER, facts);
        });
    }

    public boolean seesExecution(Execution e) {
        return switch (kind) {
            case ALL -> true;
            case TARGETS -> seesTarget(e.targetId());
            case JOB -> e.id().equals(jobExecution());
        };
    }

    /** A job is in sight through its own target, or (without one) through its execution. */
    public boolean seesJob(Job j) {
        return switch (kind) {
            case ALL -> true;
            case TARGETS -> j.target() != null ? seesTarget(j.target()) : seesExecution(j.executionId());
            case JOB -> j.id().equals(principal.subject());
        };
    }

    public boolean seesExecution(String executionId) {
        if (kind == Kind.ALL) return true;
        return seenExecutions.computeIfAbsent(executionId, id -> tb.queries().execution(id).map(this::seesExecution).orElse(false));
    }

    public boolean seesJob(String jobId) {
        if (kind == Kind.ALL) return true;
        return seenJobs.computeIfAbsent(jobId, id -> tb.queries().job(id).map(this::seesJob).orElse(false));
    }

    public boolean seesRun(TargetRun r) {
        return kind == Kind.ALL || (r.targetId() != null && seesTarget(r.targetId()));
    }

    /** What waits for a person among what is in sight, oldest first. */
    public io.trailboss.manual.Inbox.Page inbox(io.trailboss.manual.Inbox inbox, int limit, int offset) {
        return switch (kind) {
            case ALL -> inbox.list(limit, offset);
            case TARGETS -> inbox.list(scope, null, limit, offset);
            case JOB -> inbox.list(null, principal.subject(), limit, offset);
        };
    }

    public List<Job> jobs(List<Job> jobs) {
        return kind == Kind.ALL ? jobs : jobs.stream().filter(this::seesJob).toList();
    }

    /** The execution if it exists and is in sight, else the not-found answer a missing one gets. */
    public Execution execution(String id) {
        return tb.queries().execution(id).filter(this::seesExecution).orElseThrow(() -> new NotFoundException("execution '" + id + "' does not exist"));
    }

    public TaskExecution task(String id) {
        return tb.queries().task(id).filter(t -> seesExecution(t.executionId()))
                .orElseThrow(() -> new NotFoundException("task execution '" + id + "' does not exist"));
    }

    public Job job(String id) {
        return job(id, "job");
    }

    private Job job(String id, String what) {
        return tb.queries().job(id).filter(this::seesJob).orElseThrow(() -> new NotFoundException(what + " '" + id + "' does not exist"));
    }

    /**
     * Before the handler of a read: the object its route names (a target, execution, task, job, prompt, run)
     * must be in sight, else the answer is the one a missing object gets. Lists are the handlers' to filter.
     */
    void checkRoute(Context ctx, String route) {
        if (kind == Kind.ALL) return;
        if (route.startsWith("/api/v1/targets/{name}") || route.startsWith("/ui/targets/{name}")) {
            String name = ctx.pathParam("name");
            if (!seesTarget(name)) throw TargetException.notFound("target '" + name + "' does not exist");
        } else if (route.startsWith("/api/v1/executions/{id}") || route.startsWith("/mistral/v2/executions/{id}") || route.startsWith("/ui/executions/{id}")) {
            execution(ctx.pathParam("id"));
        } else if (route.startsWith("/api/v1/tasks/{id}") || route.startsWith("/mistral/v2/tasks/{id}")) {
            task(ctx.pathParam("id"));
        } else if (route.startsWith("/api/v1/jobs/{id}") || route.startsWith("/ui/jobs/{id}")) {
            job(ctx.pathParam("id"));
        } else if (route.startsWith("/mistral/v2/action_executions/{id}")) {
            job(ctx.pathParam("id"), "action execution");
        } else if (route.startsWith("/api/v1/manual/{job}") || route.startsWith("/ui/manual/{job}")) {
            job(ctx.pathParam("job"));
        } else if (route.startsWith("/api/v1/prompts/{id}") || route.startsWith("/ui/prompts/{id}")) {
            String id = ctx.pathParam("id");
            Optional<String> jobId;
            try {
                jobId = Optional.of(tb.inbox().prompt(id).jobId());
            } catch (NotFoundException e) {
                jobId = Optional.empty();
            }
            if (jobId.flatMap(tb.queries()::job).filter(this::seesJob).isEmpty()) throw new NotFoundException("prompt '" + id + "' does not exist");
        } else if (route.startsWith("/api/v1/runs/{id}")) {
            String id = ctx.pathParam("id");
            TargetRun run;
            try {
                run = tb.runs().get(id);
            } catch (NotFoundException e) {
                run = null;
            }
            if (run == null || !seesRun(run)) throw new NotFoundException("run '" + id + "' does not exist");
        }
    }

    private static <K, V> Map<K, V> recent() {
        return new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > 10_000;
            }
        };
    }

    private String jobExecution() {
        if (jobExecution == null) jobExecution = tb.queries().job(principal.subject()).map(Job::executionId).orElse("");
        return jobExecution;
    }

    // ------------------------------------------------------------------ facts for scoped grants

    /** What a scoped grant looks at of a target (its labels, its name and its ancestors' names); null when there is no such target. */
    static TargetFacts facts(Trailboss tb, String idOrName) {
        Optional<Target> found = tb.targets().find(idOrName);
        if (found.isEmpty()) return null;
        Target t = found.get();
        List<String> lineage = new ArrayList<>();
        lineage.add(t.name());
        Target at = t;
        for (int i = 0; i < 100 && at.parentId() != null; i++) {
            Optional<Target> parent = tb.targets().find(at.parentId());
            if (parent.isEmpty()) break;
            at = parent.get();
            lineage.add(at.name());
        }
        return new TargetFacts(t.name(), t.labels(), lineage);
    }
}
