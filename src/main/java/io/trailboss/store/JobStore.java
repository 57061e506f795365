package io.trailboss.store;

import io.trailboss.json.Json;
import io.trailboss.model.Job;
import io.trailboss.model.JobReport;
import io.trailboss.model.JobState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The job table: one row per action run, with its state, output and the runner that has it. Every
 * write of the table is one of the job's transitions here:
 * <ul>
 * <li>{@link #insertAll} queues jobs (QUEUED, owned by this node);</li>
 * <li>{@link #start} (a local runner), {@link #offer} then {@link #ack} (an agent) make one RUNNING;
 *     {@link #extendLeases} and {@link #extendAgentLeases} keep agents' leases;</li>
 * <li>{@link #awaitCompletion} (an async action), {@link #linkChild}/{@link #unlinkChild} (a sub-workflow);</li>
 * <li>{@link #storeReport}/{@link #storeReports} keep a runner's {@link JobReport} until the engine
 *     applies it, {@link #loseExpired}/{@link #loseOwned} store a LOST one;</li>
 * <li>{@link #finish} applies a report (final state), {@link #cancel} ends a job that will not run on,
 *     {@link #keepCompletion} keeps an external completion as given;</li>
 * <li>{@link #requeue}, {@link #requeueStopped}, {@link #withdrawOffers} put running jobs back in the queue;
 *     {@link #adopt} makes a dead node's jobs this node's;</li>
 * <li>{@link #growLog} counts the job's log ({@link #lockLogSize} first);</li>
 * <li>{@link #deleteForExecutions} deletes the jobs of deleted executions ({@link #lockForExecutions} first).</li>
 * </ul>
 */
public final class JobStore {
    // a job is found by its task (indexed), not by its execution_id (not indexed)
    private static final String OF_EXECUTIONS = "task_execution_id in (select id from task_execution where execution_id in (<executions>))";

    /** The node whose transactions insert jobs and whose local runner starts them (null: none named). */
    private final String owner;
    private final String queuedOn;

    public JobStore(String owner, Database.Dialect dialect) {
        this.owner = owner;
        // H2 has no statistics of how few jobs are queued: given the targets' index and the state's,
        // it takes the targets' and reads every job the targets ever had. The state's index reads the
        // queue alone, however long the history (PostgreSQL's planner knows this by itself)
        this.queuedOn = QUEUED_ON.formatted(dialect == Database.Dialect.H2 ? "use index (job_by_state_action)" : "");
    }

    private static final String COLUMNS = """
            id, execution_id, task_execution_id, action, input, state, output, error, item_index, attempt, is_async, token,
            child_execution_id, runner, created_at, started_at, finished_at, updated_at, target, previous_job_id, exit_code""";
    private static final String INSERT = """
            insert into job (id, execution_id, task_execution_id, action, input, state, output, error, item_index, attempt,
                is_async, token, child_execution_id, runner, created_at, started_at, finished_at, updated_at, target, previous_job_id, node_id)
            values (:id, :executionId, :taskExecutionId, :action, :input, :state, :output, :error, :itemIndex, :attempt,
                :async, :token, :childExecutionId, :runner, :createdAt, :startedAt, :finishedAt, :updatedAt, :target, :previousJobId, :node)
            """;
    private static final String CANCEL = """
            update job set state = 'CANCELLED', output = null, error = :error, finished_at = :now, updated_at = :now
            where id = :id
            """;
    private static final String AWAIT_COMPLETION = """
            update job set state = 'RUNNING', is_async = true, started_at = coalesce(started_at, :now), updated_at = :now, runner = :runner
            where id = :id""";
    private static final String START = """
            update job set state = 'RUNNING', started_at = :now, updated_at = :now, runner = :runner, token = :tokenHash, node_id = :node
            where id = :id and state = 'QUEUED' and (node_id = :node or node_id is null)
            """;
    private static final String LINK_CHILD = "update job set child_execution_id = :child, state = 'RUNNING', started_at = :now, updated_at = :now where id = :id";
    private static final String FIND = "select " + COLUMNS + " from job where id = :id";
    private static final String LOCK = "select " + COLUMNS + " from job where id = :id for update";
    private static final String BY_TASK = "select " + COLUMNS + " from job where task_execution_id = :taskId order by attempt, item_index";
    private static final String BY_TASK_ATTEMPT = "select " + COLUMNS + " from job where task_execution_id = :taskId and attempt = :attempt order by item_index";
    private static final String OPEN_BY_TASK = "select " + COLUMNS + " from job where task_execution_id = :taskId and state in ('QUEUED', 'RUNNING')";
    private static final String RUNNABLE = "select " + COLUMNS + " from job where state in ('QUEUED', 'RUNNING') and is_async = false and child_execution_id is null";
    private static final String QUEUED_ON = """
            select id from job %s where state = 'QUEUED' and target in (<targets>) and action <> :excluded
            limit :max""";
    private static final String WAITING_ON_CHILD = "select " + COLUMNS + " from job where state = 'RUNNING' and child_execution_id is not null";

    /** The key of the single field of a stored input that is sealed: {@code {"$sealed": "v1:..."}}. */
    public static final String SEALED = "$sealed";

    private volatile Sealer sealer = Sealer.NONE;

    /** Jobs that may see secrets get their input sealed with this from now on, and sealed inputs are read with it. */
    public void sealWith(Sealer sealer) {
        this.sealer = sealer;
    }

    /**
     * Inserts jobs; the input of a job whose {@code secrets} (the secret values it may see: its target's, its
     * hosts') are not empty is stored sealed, because it may hold them rendered into a script or host vars.
     */
    public void insertAll(Handle h, List<Job> jobs, java.util.function.Function<Job, ? extends java.util.Collection<String>> secrets) {
        if (jobs.isEmpty()) return;
        PreparedBatch batch = h.prepareBatch(INSERT);
        for (Job j : jobs) {
            batch.bind("id", j.id()).bind("executionId", j.executionId()).bind("taskExecutionId", j.taskExecutionId())
                    .bind("action", j.action()).bind("input", storedInput(j, secrets.apply(j))).bind("state", j.state().name())
                    .bind("output", Rows.jsonOrNull(j.output())).bind("error", j.error()).bind("itemIndex", j.itemIndex())
                    .bind("attempt", j.attempt()).bind("async", j.async()).bind("token", j.token())
                    .bind("childExecutionId", j.childExecutionId()).bind("runner", j.runner())
                    .bind("createdAt", j.createdAt()).bind("startedAt", j.startedAt()).bind("finishedAt", j.finishedAt())
                    .bind("updatedAt", j.updatedAt()).bind("target", j.target()).bind("previousJobId", j.previousJobId()).bind("node", owner).add();
        }
        batch.execute();
        for (Job j : jobs) if (j.target() != null) remember(j.target(), j.createdAt());
    }

    private String storedInput(Job j, java.util.Collection<String> secrets) {
        String plain = Json.write(j.input());
        if (secrets.isEmpty() || j.input() == null) return plain;
        String sealed = sealer.seal(aad(j.id()), plain);
        return sealed == null ? plain : Json.write(Map.of(SEALED, sealed));
    }

    private Map<String, Object> readInput(ResultSet rs, String id) throws SQLException {
        Map<String, Object> stored = Rows.map(rs, "input");
        if (stored != null && stored.size() == 1 && stored.get(SEALED) instanceof String sealed) {
            return Json.readMap(sealer.open(aad(id), sealed));
        }
        return stored;
    }

    private static String aad(String jobId) {
        return "job:" + jobId + ":input";
    }

    /** The job will not run (on): cancelled, with the reason as its error. */
    public void cancel(Handle h, String id, String reason, long now) {
        h.createUpdate(CANCEL).bind("id", id).bind("error", reason).bind("now", now).execute();
    }

    /** The job's action started and waits for an external completion (an async action). */
    public void awaitCompletion(Handle h, String id, String runner, long startedAt) {
        h.createUpdate(AWAIT_COMPLETION).bind("id", id).bind("runner", runner).bind("now", startedAt).execute();
    }

    /**
     * Marks a queued job as started by {@code runner}, with the hash of the token the job's process
     * gets; a job no longer queued is left alone.
     */
    public boolean start(Handle h, String id, String runner, String tokenHash, long now) {
        return h.createUpdate(START).bind("id", id).bind("runner", runner).bind("tokenHash", tokenHash).bind("now", now).bind("node", owner).execute() > 0;
    }

    public void linkChild(Handle h, String id, String childExecutionId, long now) {
        h.createUpdate(LINK_CHILD).bind("id", id).bind("child", childExecutionId).bind("now", now).execute();
    }

    /** The external completion that finished an async job, as kept (canonical JSON), if any. */
    public Optional<String> completion(Handle h, String id) {
        return h.createQuery("select completion from job where id = :id").bind("id", id).mapTo(String.class).findOne();
    }

    public void keepCompletion(Handle h, String id, String completion) {
        h.createUpdate("update job set completion = :completion where id = :id").bind("completion", completion).bind("id", id).execute();
    }

    // ------------------------------------------------------------------ runners' reports, agents' claims and leases

    /** A job's stored report, with the job as it was read. */
    public record Reported(Job job, JobReport report) {}

    /** What an agent's hold of a job says: the report stored with it (null: none) and whether the agent acknowledged the offer. */
    public record Hold(JobReport report, boolean acked) {}

    // the one statement that stores a report: only a running job without one takes it (first report wins)
    private static final String STORE_REPORT = "update job set agent_outcome = :report where id = :id and state = 'RUNNING' and agent_outcome is null";
    // the one statement that puts a running job back in the queue, for a runner that never started it or stopped it
    private static final String REQUEUE = """
            update job set state = 'QUEUED', runner = null, started_at = null, lease_until = null, token = null, updated_at = :now
            where state = 'RUNNING' and agent_outcome is null and\s""";
    private static final String OFFER = """
            update job set state = 'RUNNING', runner = :runner, started_at = :now, updated_at = :now, lease_until = :lease,
                token = :tokenHash, agent_outcome = null, agent_acked = false
            where id = :id and state = 'QUEUED'""";
    private static final String HELD = "runner = :runner and state = 'RUNNING' and agent_outcome is null and agent_acked = true";

    /** Stores a runner's report with its running job; false if the job is no longer running or has a report. */
    public boolean storeReport(Handle h, String id, JobReport report) {
        return h.createUpdate(STORE_REPORT).bind("report", writeReport(report)).bind("id", id).execute() == 1;
    }

    /** Stores several reports in one batch, each as {@link #storeReport}. */
    public void storeReports(Handle h, Map<String, JobReport> reports) {
        if (reports.isEmpty()) return;
        PreparedBatch batch = h.prepareBatch(STORE_REPORT);
        for (var e : reports.entrySet()) batch.bind("report", writeReport(e.getValue())).bind("id", e.getKey()).add();
        batch.execute();
    }

    /** An agent's job is lost (the report says why) if its lease ran out before {@code now}. */
    public boolean loseExpired(Handle h, String id, JobReport lost, long now) {
        return h.createUpdate(STORE_REPORT + " and lease_until < :now").bind("report", writeReport(lost)).bind("id", id).bind("now", now).execute() == 1;
    }

    /** A job of this node's that a dead node ran is lost (the report says why). */
    public boolean loseOwned(Handle h, String id, JobReport lost) {
        return h.createUpdate(STORE_REPORT + " and node_id = :node").bind("report", writeReport(lost)).bind("id", id).bind("node", owner).execute() == 1;
    }

    /** The report stored with a job, if any. */
    public Optional<JobReport> storedReport(Handle h, String id) {
        return h.createQuery("select agent_outcome from job where id = :id").bind("id", id).mapTo(String.class).findOne().map(JobStore::readReport);
    }

    /** Running jobs with a stored report the engine has not applied (of agents only, or of every runner). */
    public List<Reported> unapplied(Handle h, boolean agentsOnly) {
        return h.createQuery("select " + COLUMNS + ", agent_outcome from job where state = 'RUNNING' and agent_outcome is not null"
                        + (agentsOnly ? " and runner like 'agent:%'" : ""))
                .map((rs, ctx) -> new Reported(map(rs), readReport(rs.getString("agent_outcome")))).list();
    }

    /** The agent columns of jobs the caller locked. */
    public Map<String, Hold> holds(Handle h, java.util.Collection<String> ids) {
        Map<String, Hold> out = new java.util.HashMap<>();
        if (ids.isEmpty()) return out;
        h.createQuery("select id, agent_outcome, agent_acked from job where id in (<ids>)").bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> out.put(rs.getString("id"), new Hold(readReport(rs.getString("agent_outcome")), rs.getBoolean("agent_acked")))).list();
        return out;
    }

    /** Whether an agent acknowledged the offer of this job. */
    public boolean acked(Handle h, String id) {
        return h.createQuery("select agent_acked from job where id = :id").bind("id", id).mapTo(Boolean.class).findOne().orElse(false);
    }

    /** Locks up to {@code max} of the candidates still queued (not of action {@code excluded}), oldest first, skipping rows locked by others. */
    public List<String> lockClaimable(Handle h, List<String> candidates, String excluded, int max) {
        return h.createQuery("""
                        select id from job where id in (<ids>) and state = 'QUEUED' and action <> :excluded
                        order by created_at, id limit :max for update skip locked""")
                .bindList("ids", candidates).bind("excluded", excluded).bind("max", max).mapTo(String.class).list();
    }

    /** Which of these jobs are still queued. */
    public Set<String> stillQueued(Handle h, List<String> ids) {
        if (ids.isEmpty()) return Set.of();
        return new java.util.HashSet<>(h.createQuery("select id from job where id in (<ids>) and state = 'QUEUED'").bindList("ids", ids).mapTo(String.class).list());
    }

    /**
     * Offers queued jobs to an agent: RUNNING under {@code runner}, each with the hash of its token,
     * until {@code ackBy} (the agent must acknowledge before). Answers the ids it took (a job no
     * longer queued is left alone).
     */
    public List<String> offer(Handle h, List<String> ids, List<String> tokenHashes, String runner, long ackBy, long now) {
        PreparedBatch batch = h.prepareBatch(OFFER);
        for (int i = 0; i < ids.size(); i++) {
            batch.bind("runner", runner).bind("now", now).bind("lease", ackBy).bind("tokenHash", tokenHashes.get(i)).bind("id", ids.get(i)).add();
        }
        int[] counts = batch.execute();
        List<String> taken = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) if (counts[i] == 1) taken.add(ids.get(i));
        return taken;
    }

    /** The agent acknowledged offered jobs: they are its own until {@code leaseUntil}. Answers the ones it holds. */
    public List<String> ack(Handle h, List<String> ids, String runner, long leaseUntil, long now) {
        List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(ids));
        int updated = h.createUpdate("update job set agent_acked = true, lease_until = :lease, updated_at = :now where id in (<ids>) and runner = :runner and state = 'RUNNING' and agent_outcome is null")
                .bindList("ids", distinct).bind("lease", leaseUntil).bind("now", now).bind("runner", runner).execute();
        if (updated == distinct.size()) return distinct; // every offer is still this agent's: no need to ask which
        return h.createQuery("select id from job where id in (<ids>) and " + HELD).bindList("ids", ids).bind("runner", runner).mapTo(String.class).list();
    }

    /** An agent's heartbeat: the jobs it holds are its own until {@code leaseUntil}. Answers the ones it holds. */
    public List<String> extendLeases(Handle h, String runner, long leaseUntil) {
        h.createUpdate("update job set lease_until = :lease where " + HELD).bind("lease", leaseUntil).bind("runner", runner).execute();
        return held(h, runner);
    }

    /** The jobs an agent holds (acknowledged, running, not reported). */
    public List<String> held(Handle h, String runner) {
        return h.createQuery("select id from job where " + HELD).bind("runner", runner).mapTo(String.class).list();
    }

    /** After a restart every agent lease runs until {@code leaseUntil}: agents could not heartbeat while the server was down. */
    public void extendAgentLeases(Handle h, long leaseUntil) {
        h.createUpdate("update job set lease_until = :lease where state = 'RUNNING' and runner like 'agent:%' and agent_outcome is null and lease_until is not null")
                .bind("lease", leaseUntil).execute();
    }

    /** Agents' jobs whose lease ran out before {@code now}. */
    public List<String> expiredLeases(Handle h, long now) {
        return h.createQuery("select id from job where state = 'RUNNING' and runner like 'agent:%' and agent_outcome is null and agent_acked = true and lease_until < :now")
                .bind("now", now).mapTo(String.class).list();
    }

    /**
     * Offers never acknowledged (of one agent, or of every agent when {@code runner} is null; only
     * those whose acknowledgement window closed before {@code now} if {@code onlyExpired}) go back
     * to the queue. Answers how many.
     */
    public int withdrawOffers(Handle h, String runner, boolean onlyExpired, long now) {
        return h.createUpdate(REQUEUE + "agent_acked = false and runner " + (runner == null ? "like 'agent:%'" : "= :runner")
                        + (onlyExpired ? " and lease_until < :now" : ""))
                .bind("now", now).bind("runner", runner).execute();
    }

    /** Running jobs of this node's that may run again (their runner is gone) go back to the queue. */
    public void requeue(Handle h, List<String> ids, long now) {
        if (ids.isEmpty()) return;
        h.createUpdate(REQUEUE + "id in (<ids>) and node_id = :node").bindList("ids", ids).bind("now", now).bind("node", owner).execute();
    }

    /**
     * This node stops: the scripts its runner ran were stopped with it, so their jobs go back to the
     * queue (async and sub-workflow jobs wait on). Answers their ids.
     */
    public List<String> requeueStopped(Handle h, String runner, long now) {
        List<String> running = h.createQuery("""
                        select id from job where node_id = :node and runner = :runner and state = 'RUNNING' and agent_outcome is null
                        and is_async = false and child_execution_id is null""")
                .bind("node", owner).bind("runner", runner).mapTo(String.class).list();
        if (!running.isEmpty()) h.createUpdate(REQUEUE + "id in (<ids>)").bindList("ids", running).bind("now", now).execute();
        return running;
    }

    /**
     * A dead node's queued and running jobs (but agents') become this node's: locked, owned, and
     * answered with the reports stored with them.
     */
    public List<Reported> adopt(Handle h, String deadNode) {
        List<String> ids = h.createQuery("""
                        select id from job where node_id = :dead and state in ('QUEUED', 'RUNNING')
                        and (runner is null or runner not like 'agent:%') order by id for update""")
                .bind("dead", deadNode).mapTo(String.class).list();
        if (ids.isEmpty()) return List.of();
        h.createUpdate("update job set node_id = :me where id in (<ids>)").bind("me", owner).bindList("ids", ids).execute();
        return h.createQuery("select " + COLUMNS + ", agent_outcome from job where id in (<ids>) order by id").bindList("ids", ids)
                .map((rs, ctx) -> new Reported(map(rs), readReport(rs.getString("agent_outcome")))).list();
    }

    /** Of these jobs started by {@code runner}, those it no longer has (ended, or taken elsewhere) and without a report. */
    public List<String> stoppedElsewhere(Handle h, List<String> ids, String runner) {
        return h.createQuery("select id from job where id in (<ids>) and (state <> 'RUNNING' or runner <> :runner) and agent_outcome is null")
                .bindList("ids", ids).bind("runner", runner).mapTo(String.class).list();
    }

    /** The executions these jobs belong to. */
    public List<String> executionsOf(Handle h, java.util.Collection<String> ids) {
        return h.createQuery("select distinct execution_id from job where id in (<ids>)").bindList("ids", List.copyOf(ids)).mapTo(String.class).list();
    }

    /** A chunk of this many bytes was added to the job's log. */
    public void growLog(Handle h, String id, long bytes) {
        h.createUpdate("update job set log_bytes = log_bytes + :bytes where id = :id").bind("id", id).bind("bytes", bytes).execute();
    }

    /** How many jobs are in one state under one kind of runner ({@code local}, {@code agent}, {@code none}: not claimed yet). */
    public record Count(String state, String runner, long jobs) {}

    /** The whole table counted by state and kind of runner (a group by: its cost grows with the table). */
    public List<Count> countByStateAndRunner(Handle h) {
        return h.createQuery("""
                        select state, case when runner is null then 'none' when runner like 'agent:%' then 'agent' else 'local' end as kind,
                               count(*) as n
                        from job group by state, case when runner is null then 'none' when runner like 'agent:%' then 'agent' else 'local' end""")
                .map((rs, ctx) -> new Count(rs.getString("state"), rs.getString("kind"), rs.getLong("n"))).list();
    }

    private static String writeReport(JobReport r) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("state", r.state().name());
        if (r.output() != null) m.put("output", r.output());
        if (r.error() != null) m.put("error", r.error());
        m.put("by", r.by());
        if (r.at() != null) m.put("at", r.at());
        return Json.write(m);
    }

    private static JobReport readReport(String text) {
        if (text == null) return null;
        Map<String, Object> m = Json.readMap(text);
        Object at = m.get("at");
        return new JobReport(JobReport.Outcome.named(m.get("state")), m.get("by") == null ? null : String.valueOf(m.get("by")), m.get("output"),
                m.get("error") == null ? null : String.valueOf(m.get("error")), at instanceof Number n ? n.longValue() : null);
    }

    public Optional<Job> find(Handle h, String id) {
        return h.createQuery(FIND).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * The running job whose token has this SHA-256: for a token that does not name its job (issued
     * before tokens did). Tokens are not indexed; the running jobs are read through the state's index.
     */
    public Optional<Job> runningByTokenHash(Handle h, String tokenHash) {
        return h.createQuery("select " + COLUMNS + " from job where state = 'RUNNING' and token = :hash").bind("hash", tokenHash).map((rs, ctx) -> map(rs)).findFirst();
    }

    public Optional<Job> lock(Handle h, String id) {
        return h.createQuery(LOCK).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /** Several jobs by id (missing ones left out), in id order. */
    public List<Job> findAll(Handle h, java.util.Collection<String> ids) {
        if (ids.isEmpty()) return List.of();
        return h.createQuery("select " + COLUMNS + " from job where id in (<ids>) order by id").bindList("ids", List.copyOf(ids)).map((rs, ctx) -> map(rs)).list();
    }

    /**
     * Up to {@code max} queued jobs on these targets, but not of action {@code excluded}, in no
     * particular order: a sort would read every queued job where the first few matches will do.
     */
    public List<String> queuedOn(Handle h, List<String> targets, String excluded, int max) {
        if (targets.isEmpty()) return List.of();
        return h.createQuery(queuedOn).bindList("targets", targets).bind("excluded", excluded).bind("max", max).mapTo(String.class).list();
    }

    /** The statement of {@link #queuedOn}, as this database runs it (for a test of its plan). */
    String queuedOnStatement() {
        return queuedOn;
    }

    /** Locks several jobs (rows taken in id order, so two batches never wait on each other in a cycle). */
    public List<Job> lockAll(Handle h, java.util.Collection<String> ids) {
        if (ids.isEmpty()) return List.of();
        return h.createQuery("select " + COLUMNS + " from job where id in (<ids>) order by id for update").bindList("ids", List.copyOf(ids)).map((rs, ctx) -> map(rs)).list();
    }

    public List<Job> byTask(Handle h, String taskId) {
        return h.createQuery(BY_TASK).bind("taskId", taskId).map((rs, ctx) -> map(rs)).list();
    }

    /** Jobs of every execution, oldest first, a page at a time. */
    public List<Job> page(Handle h, int limit, int offset) {
        return h.createQuery("select " + COLUMNS + " from job order by created_at, id limit :limit offset :offset")
                .bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    public List<Job> byTaskAttempt(Handle h, String taskId, int attempt) {
        return h.createQuery(BY_TASK_ATTEMPT).bind("taskId", taskId).bind("attempt", attempt).map((rs, ctx) -> map(rs)).list();
    }

    public List<Job> openByTask(Handle h, String taskId) {
        return h.createQuery(OPEN_BY_TASK).bind("taskId", taskId).map((rs, ctx) -> map(rs)).list();
    }

    /** Jobs a local runner must (re)run after a restart: queued, or running when the process died. */
    public List<Job> runnable(Handle h) {
        return h.createQuery(RUNNABLE).map((rs, ctx) -> map(rs)).list();
    }

    public List<Job> waitingOnChild(Handle h) {
        return h.createQuery(WAITING_ON_CHILD).map((rs, ctx) -> map(rs)).list();
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static final String LAST_ON_TARGET = "select id, created_at from job where target = :target order by created_at desc, id desc limit 1";
    private static final String LAST_ON_TARGET_SINCE = """
            select id, created_at from job where target = :target and created_at >= :since
            order by created_at desc, id desc limit 1""";
    private static final String BY_TARGET = "select " + COLUMNS + " from job where target = :target order by created_at desc, id desc limit :limit offset :offset";

    private static final String FINISH = """
            update job set state = :state, output = :output, error = :error, exit_code = :exitCode,
                started_at = coalesce(started_at, :started), finished_at = :now, updated_at = :now,
                runner = coalesce(:runner, runner)
            where id = :id
            """;
    private static final String COUNT_INCOMPLETE = """
            select count(*) from job
            where task_execution_id = :taskId and item_index = :item and attempt = :attempt and state = 'INCOMPLETE'
            """;
    private static final String UNLINK_CHILD = "update job set child_execution_id = null where id = :id";

    /** The job ended as its runner reported: final state, output, error and exit code (read from the output). */
    public void finish(Handle h, String id, JobState state, Object output, String error, Long startedAt, String runner, long now) {
        h.createUpdate(FINISH).bind("id", id).bind("state", state.name()).bind("output", Rows.jsonOrNull(output))
                .bind("error", error).bind("exitCode", exitCode(output)).bind("started", startedAt).bind("now", now)
                .bind("runner", runner).execute();
    }

    /** How many runs of one item of one attempt ended INCOMPLETE. */
    public int incompleteRuns(Handle h, String taskId, int item, int attempt) {
        return h.createQuery(COUNT_INCOMPLETE).bind("taskId", taskId).bind("item", item).bind("attempt", attempt).mapTo(Integer.class).one();
    }

    /** A sub-workflow job whose child could not start. */
    public void unlinkChild(Handle h, String id) {
        h.createUpdate(UNLINK_CHILD).bind("id", id).execute();
    }

    /** The {@code exit_code} a script action puts in its output, if any. */
    public static Integer exitCode(Object output) {
        return output instanceof Map<?, ?> m && m.get("exit_code") instanceof Number n ? Integer.valueOf(n.intValue()) : null;
    }

    /** The newest job on a target: the link from the next job into the target's history. */
    public Optional<String> lastOnTarget(Handle h, String target) {
        Long since = newestSeen.get(target);
        Optional<Map.Entry<String, Long>> found = Optional.empty();
        if (since != null) {
            found = h.createQuery(LAST_ON_TARGET_SINCE).bind("target", target).bind("since", since)
                    .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getLong("created_at"))).findOne();
        }
        // nothing at or after the hint (its job was rolled back or deleted): the whole history decides
        if (found.isEmpty()) {
            found = h.createQuery(LAST_ON_TARGET).bind("target", target)
                    .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getLong("created_at"))).findOne();
            if (since != null) newestSeen.remove(target, since);
        }
        found.ifPresent(e -> remember(target, e.getValue()));
        return found.map(Map.Entry::getKey);
    }

    /**
     * The creation time of the newest job this store has seen on each target. Any job at or after
     * it is at least as new, so the newest of those is the target's newest job: a lookup reads the
     * few rows since then instead of the target's whole history (the index on (target, created_at)
     * alone does not spare H2 the scan of every job of the target for "newest first, limit 1").
     * Another node's jobs are found the same way; the hint only narrows the range.
     */
    private final Map<String, Long> newestSeen = new java.util.concurrent.ConcurrentHashMap<>();

    private void remember(String target, long createdAt) {
        if (newestSeen.size() > 100_000) newestSeen.clear();
        newestSeen.merge(target, createdAt, Math::max);
    }

    /** A target's jobs, newest first. */
    /** The jobs a runner holds now ({@code agent:NAME}, {@code local}), oldest first. */
    public List<Job> runningOn(Handle h, String runner, int limit) {
        return h.createQuery("select " + COLUMNS + " from job where runner = :runner and state = 'RUNNING' order by created_at limit :limit")
                .bind("runner", runner).bind("limit", limit).map((rs, ctx) -> map(rs)).list();
    }

    public List<Job> byTarget(Handle h, String target, int limit, int offset) {
        return h.createQuery(BY_TARGET).bind("target", target).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    private Job map(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        return new Job(
                id, rs.getString("execution_id"), rs.getString("task_execution_id"), rs.getString("action"),
                readInput(rs, id), JobState.valueOf(rs.getString("state")), Rows.json(rs, "output"), rs.getString("error"),
                rs.getInt("item_index"), rs.getInt("attempt"), rs.getBoolean("is_async"), rs.getString("token"),
                rs.getString("child_execution_id"), rs.getString("runner"), rs.getLong("created_at"),
                Rows.nullableLong(rs, "started_at"), Rows.nullableLong(rs, "finished_at"), rs.getLong("updated_at"),
                rs.getString("target"), rs.getString("previous_job_id"), nullableInt(rs, "exit_code"));
    }


    /**
     * Locks the jobs of these executions (in id order) before they are deleted, so that a log chunk or prompt that a
     * job's writer is adding (it locks its job first, {@link #lockLogSize}) is either committed before the delete
     * reads or finds its job gone.
     */
    public int lockForExecutions(Handle h, java.util.Collection<String> executionIds) {
        if (executionIds.isEmpty()) return 0;
        return h.createQuery("select id from job where " + OF_EXECUTIONS + " order by id for update").bindList("executions", List.copyOf(executionIds))
                .mapTo(String.class).list().size();
    }

    /** The sub-workflow executions that jobs of these executions started. */
    public List<String> childExecutionsOf(Handle h, java.util.Collection<String> executionIds) {
        if (executionIds.isEmpty()) return List.of();
        return h.createQuery("select child_execution_id from job where " + OF_EXECUTIONS + " and child_execution_id is not null")
                .bindList("executions", List.copyOf(executionIds)).mapTo(String.class).list();
    }

    /** Deletes the jobs of these executions (their logs, prompts and stdin text go first: see their stores). */
    public int deleteForExecutions(Handle h, java.util.Collection<String> executionIds) {
        if (executionIds.isEmpty()) return 0;
        return h.createUpdate("delete from job where " + OF_EXECUTIONS).bindList("executions", List.copyOf(executionIds)).execute();
    }

    /** Locks the job's row and answers how many bytes its log holds; empty when the job is gone (deleted with its execution). */
    public Optional<Long> lockLogSize(Handle h, String id) {
        return h.createQuery("select log_bytes from job where id = :id for update").bind("id", id).mapTo(Long.class).findOne();
    }
}
