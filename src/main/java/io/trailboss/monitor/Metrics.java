package io.trailboss.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trailboss.engine.Engine;
import io.trailboss.engine.EngineListener;
import io.trailboss.engine.JobStarts;
import io.trailboss.model.Job;
import io.trailboss.engine.LocalRunner;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskExecution;
import io.trailboss.store.Database;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * The server's Prometheus meters. Engine meters come from listening to the engine (told after commit:
 * a few map lookups and counter increments, nothing that blocks); queue depths are read when scraped;
 * jobs by state and runner kind are counted in the job table when scraped, since jobs are not told to
 * listeners; the connection pool reports through HikariCP's own Micrometer tracker.
 */
public final class Metrics implements EngineListener, JobStarts {
    private static final int REMEMBERED = 100_000;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Jdbi jdbi;
    private final io.trailboss.store.JobStore jobs;
    // meters per state, made up front so that the listener calls look nothing up and allocate nothing
    private final Counter startedTop;
    private final Counter startedSub;
    private final Counter[] finished = new Counter[ExecutionState.values().length];
    private final Timer[] executionDuration = new Timer[ExecutionState.values().length];
    private final Counter[] taskChanges = new Counter[ExecutionState.values().length];
    private final Timer[] taskDuration = new Timer[ExecutionState.values().length];
    private final Timer localWait;
    private final Timer agentWait;
    private final Map<String, Timer> httpTimers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> jobCounts = new ConcurrentHashMap<>();
    // the last state told per task and execution: a listener may be told the same state again (a changed
    // info), and only a change is counted
    private final Map<String, ExecutionState> lastState = new LinkedHashMap<>(1024, 0.75f, true) { // guarded by itself
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ExecutionState> eldest) {
            return size() > REMEMBERED;
        }
    };

    public Metrics(Database database, Engine engine, LocalRunner local) {
        this.jdbi = database.jdbi();
        this.jobs = engine.jobStore();
        database.bindMetrics(registry);
        Gauge.builder("trailboss.engine.outcomes.waiting", engine, Engine::outcomesWaiting)
                .description("job outcomes reported by runners and not yet applied by the engine").register(registry);
        Gauge.builder("trailboss.engine.starts.waiting", engine, Engine::startsWaiting)
                .description("execution starts requested and not yet applied").register(registry);
        Gauge.builder("trailboss.local.jobs.running", local, LocalRunner::running)
                .description("jobs running in this server's local runner").register(registry);
        String started = "trailboss.executions.started";
        String startedHelp = "executions started (or resumed after a restart) on this node";
        startedTop = Counter.builder(started).description(startedHelp).tag("workflow_kind", "top").register(registry);
        startedSub = Counter.builder(started).description(startedHelp).tag("workflow_kind", "sub").register(registry);
        for (ExecutionState state : ExecutionState.values()) {
            int i = state.ordinal();
            taskChanges[i] = Counter.builder("trailboss.task.state.changes").description("task executions entering a state")
                    .tag("state", state.name()).register(registry);
            if (!state.isFinal()) continue;
            finished[i] = Counter.builder("trailboss.executions.finished").description("executions that reached a final state")
                    .tag("state", state.name()).register(registry);
            executionDuration[i] = histogram("trailboss.execution.duration", "from an execution's creation to its final state",
                    "state", state.name());
            taskDuration[i] = histogram("trailboss.task.duration", "from a task execution's creation to its final state",
                    "state", state.name());
        }
        String wait = "trailboss.job.queue.wait";
        String waitHelp = "from a job's creation (queued) to a runner starting it";
        localWait = histogram(wait, waitHelp, "runner", "local");
        agentWait = histogram(wait, waitHelp, "runner", "agent");
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    @Override
    public void executionChanged(Execution execution) {
        ExecutionState before = remember(execution.id(), execution.state());
        if (before == execution.state()) return;
        if (before == null && !execution.state().isFinal()) {
            // the first state told of an execution: it started (or, after a restart, resumed here)
            (execution.parentJobId() == null ? startedTop : startedSub).increment();
        }
        if (execution.state().isFinal()) {
            int i = execution.state().ordinal();
            finished[i].increment();
            long end = execution.finishedAt() != null ? execution.finishedAt() : execution.updatedAt();
            executionDuration[i].record(Math.max(0, end - execution.createdAt()), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void taskChanged(TaskExecution task) {
        if (remember(task.id(), task.state()) == task.state()) return;
        int i = task.state().ordinal();
        taskChanges[i].increment();
        if (task.state().isFinal()) taskDuration[i].record(Math.max(0, task.updatedAt() - task.createdAt()), TimeUnit.MILLISECONDS);
    }

    @Override
    public void started(Job job, String runnerKind, long startedAt) {
        ("agent".equals(runnerKind) ? agentWait : localWait).record(Math.max(0, startedAt - job.createdAt()), TimeUnit.MILLISECONDS);
    }

    /** One answered HTTP request: {@code route} is the matched path template, never the raw path. */
    public void httpRequest(String method, String route, int status, Duration took) {
        httpTimers.computeIfAbsent(method + " " + route + " " + status, k -> Timer.builder("trailboss.http.server.requests")
                .description("HTTP requests by method, route template and status")
                .tags("method", method, "route", route, "status", Integer.toString(status))
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)).record(took);
    }

    /** The Prometheus text exposition (format 0.0.4), with the job counts read now. */
    public String scrape() {
        refreshJobCounts();
        return registry.scrape();
    }

    private void refreshJobCounts() {
        List<io.trailboss.store.JobStore.Count> rows;
        try {
            rows = jdbi.withHandle(jobs::countByStateAndRunner);
        } catch (RuntimeException e) {
            // the database is away: the scrape still answers (the pool's meters show why), job counts keep their last values
            return;
        }
        jobCounts.values().forEach(v -> v.set(0));
        for (io.trailboss.store.JobStore.Count row : rows) {
            String state = row.state();
            String kind = row.runner();
            jobCounts.computeIfAbsent(state + " " + kind, k -> {
                AtomicLong v = new AtomicLong();
                Gauge.builder("trailboss.jobs", v, AtomicLong::get)
                        .description("jobs in the database by state and runner kind (local, agent, none: not claimed yet)")
                        .tags("state", state, "runner", kind).register(registry);
                return v;
            }).set(row.jobs());
        }
    }

    /** Remembers {@code state} as the last one told of {@code id}; answers the one before (null: first). */
    private ExecutionState remember(String id, ExecutionState state) {
        synchronized (lastState) {
            return lastState.put(id, state);
        }
    }

    private Timer histogram(String name, String description, String tag, String value) {
        return Timer.builder(name).description(description).tag(tag, value)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }
}
