package io.trailboss.app;

import io.trailboss.action.ActionRegistry;
import io.trailboss.action.JobSandbox;
import io.trailboss.action.ShellAction;
import java.util.Map;
import io.trailboss.engine.Engine;
import io.trailboss.engine.LocalRunner;
import io.trailboss.engine.Queries;
import io.trailboss.engine.WorkflowCatalog;
import io.trailboss.store.Database;
import io.trailboss.target.SecretBox;
import io.trailboss.target.Targets;
import java.time.Clock;

/** The wired product: database, engine, local runner, catalog. Plain constructor wiring. */
public final class Trailboss implements AutoCloseable {
    private final Database database;
    private final Engine engine;
    private final WorkflowCatalog catalog;
    private final io.trailboss.engine.Workbooks workbooks;
    private final Queries queries;
    private final io.trailboss.engine.IdempotentStarts idempotentStarts;
    private final Targets targets;
    private final LocalRunner localRunner;
    private final io.trailboss.agent.AgentHub agents;
    private final io.trailboss.manual.Inbox inbox;
    private final io.trailboss.record.Recordings recordings;
    private volatile io.trailboss.record.RecordingRetention retention;
    private final io.trailboss.operation.Operations operations;
    private final io.trailboss.operation.Runs runs;
    private final io.trailboss.lifecycle.Lifecycles lifecycles;
    private final io.trailboss.trigger.Triggers triggers;
    private final io.trailboss.environment.Environments environments;
    private final io.trailboss.engine.DirectActions directActions;
    private final io.trailboss.engine.GlobalActions globalActions;
    private final io.trailboss.engine.ExecutionDeletion executionDeletion;
    private final io.trailboss.monitor.Metrics metrics;
    private final io.trailboss.monitor.Node node;
    private final io.trailboss.monitor.Health health;
    private final io.trailboss.cluster.Nodes nodes;
    private volatile io.trailboss.cluster.PgSignals signals;
    private final io.trailboss.auth.Auth auth;
    /** What jobs get to call this server back: TRAILBOSS_SERVER, and over TLS the CA files to trust it with. */
    private final java.util.concurrent.atomic.AtomicReference<Map<String, String>> callback = new java.util.concurrent.atomic.AtomicReference<>(Map.of("TRAILBOSS_SERVER", ""));

    /** Secrets are sealed with the key of TRAILBOSS_SECRET_KEY, or a key that lives as long as this process. */
    public Trailboss(Database database, Clock clock) {
        this(database, clock, SecretBox.fromEnvironmentOrEphemeral());
    }

    /** {@code secrets} seals secret params at rest (the server passes a key file under its data directory). Jobs run as {@link JobSandbox#none()} starts them. */
    public Trailboss(Database database, Clock clock, SecretBox secrets) {
        this(database, clock, secrets, JobSandbox.none());
    }

    /** {@code sandbox}: how local {@code shell} and {@code ansible} jobs are started (environment, user, isolation, limits). */
    public Trailboss(Database database, Clock clock, SecretBox secrets, JobSandbox sandbox) {
        this.database = database;
        this.recordings = new io.trailboss.record.Recordings(database, clock);
        this.targets = new Targets(database, clock, secrets);
        ActionRegistry actions = ActionRegistry.standard();
        actions.register(new ShellAction(callback::get, null, sandbox));
        actions.register(new io.trailboss.action.AnsibleAction(callback::get, sandbox));
        this.engine = new Engine(database, clock, actions);
        engine.sealJobInputsWith(secrets.asSealer());
        this.localRunner = new LocalRunner(engine, actions, clock, 512, engine.localRunnerName());
        // jobs on targets an agent token covers wait for agents; the rest run here
        this.agents = new io.trailboss.agent.AgentHub(engine, localRunner, targets);
        engine.setRunner(agents);
        engine.setTargets(new TargetsDirectory(targets));
        // manual steps and prompts wait for people; answers to prompts reach jobs wherever they run
        this.inbox = new io.trailboss.manual.Inbox(engine, secrets, agents::send);
        actions.register(inbox.action());
        this.catalog = new WorkflowCatalog(engine);
        this.workbooks = new io.trailboss.engine.Workbooks(engine, catalog);
        // from here on workflows call the global ad-hoc actions too
        this.globalActions = new io.trailboss.engine.GlobalActions(engine);
        this.executionDeletion = new io.trailboss.engine.ExecutionDeletion(engine);
        this.queries = new Queries(engine);
        this.idempotentStarts = new io.trailboss.engine.IdempotentStarts(engine, clock);
        this.operations = new io.trailboss.operation.Operations(engine.jdbi(), clock, catalog);
        this.runs = new io.trailboss.operation.Runs(engine, targets, operations);
        this.lifecycles = new io.trailboss.lifecycle.Lifecycles(engine.jdbi(), clock, targets, operations, runs, queries);
        this.triggers = new io.trailboss.trigger.Triggers(engine.jdbi(), clock, runs, operations, secrets);
        this.environments = new io.trailboss.environment.Environments(engine.jdbi(), clock);
        this.directActions = new io.trailboss.engine.DirectActions(actions, clock);
        this.metrics = new io.trailboss.monitor.Metrics(database, engine, localRunner);
        engine.addListener(metrics);
        localRunner.observeStarts(metrics);
        agents.observeStarts(metrics);
        this.node = new io.trailboss.monitor.Node(clock, engine, localRunner);
        this.health = new io.trailboss.monitor.Health(database, engine, node);
        this.nodes = new io.trailboss.cluster.Nodes(database, engine, localRunner, agents, runs::recover);
        this.auth = new io.trailboss.auth.Auth(engine.jdbi(), clock);
    }

    /** The server nodes sharing this database: this node's registration, heartbeat, and the recovery of dead ones. */
    public io.trailboss.cluster.Nodes nodes() {
        return nodes;
    }

    /** Users, API tokens, sessions, the audit log and rate limits. */
    public io.trailboss.auth.Auth auth() {
        return auth;
    }

    /** Prometheus meters of this node. */
    public io.trailboss.monitor.Metrics metrics() {
        return metrics;
    }

    /** This node's identity and load. */
    public io.trailboss.monitor.Node node() {
        return node;
    }

    /** Readiness checks. */
    public io.trailboss.monitor.Health health() {
        return health;
    }

    /** Resumes whatever a previous process left running. Call once, after wiring listeners. */
    public Trailboss recover() {
        if (database.dialect() == Database.Dialect.POSTGRES && signals == null) {
            // other nodes may share this database: wake-ups, stops, logs and events reach them through LISTEN/NOTIFY
            signals = new io.trailboss.cluster.PgSignals(database, engine, localRunner, agents);
            engine.setSignals(signals);
            signals.start();
        }
        agents.recover();
        nodes.port(node.port());
        // this node's own work is new; dead nodes' work (this process's earlier life included) is taken over
        nodes.start();
        engine.recover();
        runs.recover();
        localRunner.watch(10_000);
        triggers.start();
        return this;
    }

    /** The URL scripts use to call back (their environment's TRAILBOSS_SERVER). */
    public void serverUrl(String url) {
        serverCallback(url, Map.of());
    }

    /** What jobs of this node are given to call it back: TRAILBOSS_SERVER and, over TLS, the CA files to trust it by. */
    public Map<String, String> callbackEnvironment() {
        return callback.get();
    }

    /** The URL scripts use to call back, and variables that make their clients trust it (CA files, over TLS). */
    public void serverCallback(String url, Map<String, String> trust) {
        Map<String, String> env = new java.util.LinkedHashMap<>(trust);
        env.put("TRAILBOSS_SERVER", url);
        callback.set(Map.copyOf(env));
    }

    public LocalRunner localRunner() {
        return localRunner;
    }

    /** Remote agents: tokens, the agent protocol, leases; also routes jobs between agents and the local runner. */
    public io.trailboss.agent.AgentHub agents() {
        return agents;
    }

    /** Manual steps and prompts waiting for people, and their decisions and answers. */
    public io.trailboss.manual.Inbox inbox() {
        return inbox;
    }

    public Database database() {
        return database;
    }

    public Engine engine() {
        return engine;
    }

    public WorkflowCatalog catalog() {
        return catalog;
    }

    /** Mistral's workbooks: documents whose workflows are stored as {@code <workbook>.<workflow>}. */
    public io.trailboss.engine.Workbooks workbooks() {
        return workbooks;
    }

    public Queries queries() {
        return queries;
    }

    /** Execution starts with an Idempotency-Key. */
    public io.trailboss.engine.IdempotentStarts idempotentStarts() {
        return idempotentStarts;
    }

    /** Targets, profiles, param declarations and param resolution. */
    public Targets targets() {
        return targets;
    }

    /** Operations offered on target kinds, with their forms. */
    public io.trailboss.operation.Operations operations() {
        return operations;
    }

    /** Runs on targets (operations, stages, triggered workflows), one at a time per target. */
    public io.trailboss.operation.Runs runs() {
        return runs;
    }

    /** Stages, stage maps and the lifecycle of targets. */
    public io.trailboss.lifecycle.Lifecycles lifecycles() {
        return lifecycles;
    }

    /** Cron and webhook triggers. */
    public io.trailboss.trigger.Triggers triggers() {
        return triggers;
    }

    /** Named environments (variables an execution is started with by name). */
    public io.trailboss.environment.Environments environments() {
        return environments;
    }

    /** Actions run at once outside any workflow (Mistral's run-action). */
    public io.trailboss.engine.DirectActions directActions() {
        return directActions;
    }

    /** Ad-hoc actions stored on their own (Mistral's action-create), callable by any workflow. */
    public io.trailboss.engine.GlobalActions globalActions() {
        return globalActions;
    }

    /** Deletes executions with everything they own (Mistral's execution-delete). */
    public io.trailboss.engine.ExecutionDeletion executionDeletion() {
        return executionDeletion;
    }

    /** Ansible recordings (ARA's objects). */
    public io.trailboss.record.Recordings recordings() {
        return recordings;
    }

    /** Prunes recordings older than {@code days} days now and then every {@code every}. */
    public void retainRecordings(int days, java.time.Duration every) {
        io.trailboss.record.RecordingRetention old = retention;
        if (old != null) old.close();
        retention = new io.trailboss.record.RecordingRetention(recordings, java.time.Duration.ofDays(days)).start(every);
    }

    @Override
    public void close() {
        io.trailboss.record.RecordingRetention r = retention;
        if (r != null) r.close();
        recordings.close();
        triggers.close();
        runs.close();
        agents.close();
        engine.close();
        localRunner.close();
        io.trailboss.cluster.PgSignals s = signals;
        if (s != null) s.close();
        nodes.close();
        auth.close();
        database.close();
    }
}
