package io.trailboss.trigger;

import io.trailboss.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The trigger_def and trigger_firing tables. */
final class TriggerStore {
    private static final String COLUMNS = "name, kind, cron, time_zone, overlap, workflow, operation, target, input, auth, secret, paused, "
            + "next_fire_at, created_at, updated_at";
    private static final String INSERT = """
            insert into trigger_def (name, kind, cron, time_zone, overlap, workflow, operation, target, input, auth, secret, paused,
                                     next_fire_at, created_at, updated_at)
            values (:name, :kind, :cron, :timeZone, :overlap, :workflow, :operation, :target, :input, :auth, :secret, :paused,
                    :nextFireAt, :createdAt, :updatedAt)
            """;
    private static final String UPDATE = """
            update trigger_def set kind = :kind, cron = :cron, time_zone = :timeZone, overlap = :overlap, workflow = :workflow,
                   operation = :operation, target = :target, input = :input, auth = :auth, secret = :secret, paused = :paused,
                   next_fire_at = :nextFireAt, updated_at = :updatedAt
            where name = :name
            """;
    private static final String BY_NAME = "select " + COLUMNS + " from trigger_def where name = :name";
    private static final String LIST = "select " + COLUMNS + " from trigger_def order by name";
    private static final String DELETE = "delete from trigger_def where name = :name";
    private static final String DUE = "select " + COLUMNS + " from trigger_def where kind = 'CRON' and paused = false and next_fire_at <= :now "
            + "order by next_fire_at for update skip locked";
    private static final String NEXT_DUE = "select min(next_fire_at) from trigger_def where kind = 'CRON' and paused = false";
    private static final String SET_NEXT = "update trigger_def set next_fire_at = :next where name = :name";

    private static final String F_COLUMNS = "id, trigger_name, fired_at, due_at, outcome, detail, run_id, execution_id";
    private static final String INSERT_FIRING = """
            insert into trigger_firing (id, trigger_name, fired_at, due_at, outcome, detail, run_id, execution_id)
            values (:id, :trigger, :firedAt, :dueAt, :outcome, :detail, :runId, :executionId)
            """;
    private static final String UPDATE_FIRING = "update trigger_firing set outcome = :outcome, detail = :detail, run_id = :runId, execution_id = :executionId where id = :id";
    private static final String FIRINGS = "select " + F_COLUMNS + " from trigger_firing where trigger_name = :trigger order by fired_at desc, id desc limit :limit offset :offset";
    private static final String PENDING = "select " + F_COLUMNS + " from trigger_firing where outcome = 'PENDING' order by id";

    void save(Handle h, Trigger t) {
        boolean exists = byName(h, t.name()).isPresent();
        h.createUpdate(exists ? UPDATE : INSERT).bind("name", t.name()).bind("kind", t.kind().name()).bind("cron", t.cron()).bind("timeZone", t.timeZone())
                .bind("overlap", t.overlap().name()).bind("workflow", t.workflow()).bind("operation", t.operation()).bind("target", t.target())
                .bind("input", Json.write(t.input())).bind("auth", t.auth() == null ? null : t.auth().name())
                .bind("secret", t.secret() == null ? null : Json.write(t.secret())).bind("paused", t.paused()).bind("nextFireAt", t.nextFireAt())
                .bind("createdAt", t.createdAt()).bind("updatedAt", t.updatedAt()).execute();
    }

    Optional<Trigger> byName(Handle h, String name) {
        return h.createQuery(BY_NAME).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    List<Trigger> list(Handle h) {
        return h.createQuery(LIST).map((rs, ctx) -> map(rs)).list();
    }

    boolean delete(Handle h, String name) {
        return h.createUpdate(DELETE).bind("name", name).execute() > 0;
    }

    /** Cron triggers due at {@code now}, locked (rows another node is firing are passed over). */
    List<Trigger> lockDue(Handle h, long now) {
        return h.createQuery(DUE).bind("now", now).map((rs, ctx) -> map(rs)).list();
    }

    Long nextDue(Handle h) {
        return h.createQuery(NEXT_DUE).mapTo(Long.class).findOne().orElse(null);
    }

    void setNext(Handle h, String name, Long next) {
        h.createUpdate(SET_NEXT).bind("name", name).bind("next", next).execute();
    }

    void insertFiring(Handle h, Firing f) {
        h.createUpdate(INSERT_FIRING).bind("id", f.id()).bind("trigger", f.trigger()).bind("firedAt", f.firedAt()).bind("dueAt", f.dueAt())
                .bind("outcome", f.outcome().name()).bind("detail", io.trailboss.model.Names.fitMessage(f.detail(), io.trailboss.model.Names.MAX_DESCRIPTION)).bind("runId", f.runId()).bind("executionId", f.executionId()).execute();
    }

    void updateFiring(Handle h, Firing f) {
        h.createUpdate(UPDATE_FIRING).bind("id", f.id()).bind("outcome", f.outcome().name()).bind("detail", io.trailboss.model.Names.fitMessage(f.detail(), io.trailboss.model.Names.MAX_DESCRIPTION)).bind("runId", f.runId())
                .bind("executionId", f.executionId()).execute();
    }

    List<Firing> firings(Handle h, String trigger, int limit, int offset) {
        return h.createQuery(FIRINGS).bind("trigger", trigger).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> firing(rs)).list();
    }

    List<Firing> pending(Handle h) {
        return h.createQuery(PENDING).map((rs, ctx) -> firing(rs)).list();
    }

    private static Trigger map(ResultSet rs) throws SQLException {
        String auth = rs.getString("auth");
        String secret = rs.getString("secret");
        long next = rs.getLong("next_fire_at");
        Long nextFireAt = rs.wasNull() ? null : next;
        return new Trigger(rs.getString("name"), Trigger.Kind.valueOf(rs.getString("kind")), rs.getString("cron"), rs.getString("time_zone"),
                Trigger.Overlap.valueOf(rs.getString("overlap")), rs.getString("workflow"), rs.getString("operation"), rs.getString("target"),
                Json.readMap(rs.getString("input")), auth == null ? null : Trigger.Auth.valueOf(auth), secret == null ? null : Json.read(secret),
                rs.getBoolean("paused"), nextFireAt, rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private static Firing firing(ResultSet rs) throws SQLException {
        long due = rs.getLong("due_at");
        Long dueAt = rs.wasNull() ? null : due;
        return new Firing(rs.getString("id"), rs.getString("trigger_name"), rs.getLong("fired_at"), dueAt, Firing.Outcome.valueOf(rs.getString("outcome")),
                rs.getString("detail"), rs.getString("run_id"), rs.getString("execution_id"));
    }
}
