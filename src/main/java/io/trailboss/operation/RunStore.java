package io.trailboss.operation;

import io.trailboss.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The run_slot and target_run tables: runs on targets and the slot rows that make them one at a time. */
public final class RunStore {
    private static final String COLUMNS = "id, slot, target_id, kind, name, workflow, input, variables, state, state_info, execution_id, "
            + "requested_by, created_at, started_at, finished_at";
    private static final String ENSURE_SLOT = "insert into run_slot (slot) values (:slot) on conflict do nothing";
    private static final String LOCK_SLOT = "select slot from run_slot where slot = :slot for update";
    private static final String INSERT = """
            insert into target_run (id, slot, target_id, kind, name, workflow, input, variables, state, state_info, execution_id,
                                    requested_by, created_at, started_at, finished_at)
            values (:id, :slot, :targetId, :kind, :name, :workflow, :input, :variables, :state, :stateInfo, :executionId,
                    :requestedBy, :createdAt, :startedAt, :finishedAt)
            """;
    private static final String STARTED = """
            update target_run set state = 'RUNNING', execution_id = :executionId, variables = :variables, started_at = :now
            where id = :id and state = 'QUEUED'
            """;
    private static final String ENDED = """
            update target_run set state = :state, state_info = :info, finished_at = :now
            where id = :id and state in ('QUEUED', 'RUNNING')
            """;
    private static final String BY_ID = "select " + COLUMNS + " from target_run where id = :id";
    private static final String BY_EXECUTION = "select " + COLUMNS + " from target_run where execution_id = :executionId";
    private static final String OPEN_IN_SLOT = "select " + COLUMNS + " from target_run where slot = :slot and state in ('QUEUED', 'RUNNING') order by id";
    private static final String BY_TARGET = "select " + COLUMNS + " from target_run where target_id = :targetId order by id desc limit :limit offset :offset";
    private static final String BY_TARGET_KIND = "select " + COLUMNS + " from target_run where target_id = :targetId and kind = :kind order by id";
    private static final String RUNNING = "select " + COLUMNS + " from target_run where state = 'RUNNING' order by id";
    private static final String QUEUED_WITHOUT_SLOT = "select " + COLUMNS + " from target_run where state = 'QUEUED' and slot is null order by id";
    private static final String SLOTS_WITH_QUEUED = "select distinct slot from target_run where state = 'QUEUED' and slot is not null";

    /** Locks a slot's row until the transaction ends (creating it the first time). */
    void lockSlot(Handle h, String slot) {
        h.createUpdate(ENSURE_SLOT).bind("slot", slot).execute();
        h.createQuery(LOCK_SLOT).bind("slot", slot).mapTo(String.class).one();
    }

    void insert(Handle h, TargetRun r) {
        h.createUpdate(INSERT).bind("id", r.id()).bind("slot", r.slot()).bind("targetId", r.targetId()).bind("kind", r.kind().name())
                .bind("name", r.name()).bind("workflow", r.workflow()).bind("input", Json.write(r.input()))
                .bind("variables", r.variables() == null ? null : Json.write(r.variables())).bind("state", r.state().name())
                .bind("stateInfo", io.trailboss.model.Names.fitMessage(r.stateInfo(), io.trailboss.model.Names.MAX_DESCRIPTION)).bind("executionId", r.executionId()).bind("requestedBy", r.requestedBy())
                .bind("createdAt", r.createdAt()).bind("startedAt", r.startedAt()).bind("finishedAt", r.finishedAt()).execute();
    }

    boolean started(Handle h, String id, String executionId, Map<String, Object> variables, long now) {
        return h.createUpdate(STARTED).bind("id", id).bind("executionId", executionId).bind("variables", Json.write(variables))
                .bind("now", now).execute() > 0;
    }

    boolean ended(Handle h, String id, TargetRun.State state, String info, long now) {
        return h.createUpdate(ENDED).bind("id", id).bind("state", state.name()).bind("info", io.trailboss.model.Names.fitMessage(info, io.trailboss.model.Names.MAX_DESCRIPTION)).bind("now", now).execute() > 0;
    }

    public Optional<TargetRun> byId(Handle h, String id) {
        return h.createQuery(BY_ID).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    Optional<TargetRun> byExecution(Handle h, String executionId) {
        return h.createQuery(BY_EXECUTION).bind("executionId", executionId).map((rs, ctx) -> map(rs)).findOne();
    }

    /** The slot's RUNNING run (if any) and its QUEUED ones, oldest first. */
    List<TargetRun> openInSlot(Handle h, String slot) {
        return h.createQuery(OPEN_IN_SLOT).bind("slot", slot).map((rs, ctx) -> map(rs)).list();
    }

    List<TargetRun> byTarget(Handle h, String targetId, int limit, int offset) {
        return h.createQuery(BY_TARGET).bind("targetId", targetId).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    public List<TargetRun> byTargetAndKind(Handle h, String targetId, TargetRun.Kind kind) {
        return h.createQuery(BY_TARGET_KIND).bind("targetId", targetId).bind("kind", kind.name()).map((rs, ctx) -> map(rs)).list();
    }

    List<TargetRun> running(Handle h) {
        return h.createQuery(RUNNING).map((rs, ctx) -> map(rs)).list();
    }

    List<TargetRun> queuedWithoutSlot(Handle h) {
        return h.createQuery(QUEUED_WITHOUT_SLOT).map((rs, ctx) -> map(rs)).list();
    }

    List<String> slotsWithQueued(Handle h) {
        return h.createQuery(SLOTS_WITH_QUEUED).mapTo(String.class).list();
    }

    private static TargetRun map(ResultSet rs) throws SQLException {
        String vars = rs.getString("variables");
        long started = rs.getLong("started_at");
        Long startedAt = rs.wasNull() ? null : started;
        long finished = rs.getLong("finished_at");
        Long finishedAt = rs.wasNull() ? null : finished;
        return new TargetRun(rs.getString("id"), rs.getString("slot"), rs.getString("target_id"), TargetRun.Kind.valueOf(rs.getString("kind")),
                rs.getString("name"), rs.getString("workflow"), Json.readMap(rs.getString("input")), vars == null ? null : Json.readMap(vars),
                TargetRun.State.valueOf(rs.getString("state")), rs.getString("state_info"), rs.getString("execution_id"),
                rs.getString("requested_by"), rs.getLong("created_at"), startedAt, finishedAt);
    }
}
