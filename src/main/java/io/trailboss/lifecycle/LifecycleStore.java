package io.trailboss.lifecycle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The stage, stage_map and target_lifecycle tables. */
final class LifecycleStore {
    private static final String STAGE_COLUMNS = "name, workflow, description, created_at, updated_at";
    private static final String INSERT_STAGE = """
            insert into stage (name, workflow, description, created_at, updated_at) values (:name, :workflow, :description, :createdAt, :updatedAt)
            """;
    private static final String UPDATE_STAGE = "update stage set workflow = :workflow, description = :description, updated_at = :updatedAt where name = :name";
    private static final String STAGE = "select " + STAGE_COLUMNS + " from stage where name = :name";
    private static final String STAGES = "select " + STAGE_COLUMNS + " from stage order by name";
    private static final String DELETE_STAGE = "delete from stage where name = :name";

    private static final String CLEAR_MAP = "delete from stage_map where scope = :scope";
    private static final String INSERT_STEP = "insert into stage_map (scope, from_stage, to_stage, on_way) values (:scope, :from, :to, :way)";
    private static final String MAP = "select scope, from_stage, to_stage, on_way from stage_map where scope = :scope order by from_stage";
    private static final String MAPS = "select scope, from_stage, to_stage, on_way from stage_map order by scope, from_stage";
    private static final String STEP = "select scope, from_stage, to_stage, on_way from stage_map where scope = :scope and from_stage = :from";

    private static final String LC_COLUMNS = "target_id, stage, state, state_info, run_id, runnable, single_step, updated_at";
    private static final String LIFECYCLE = "select " + LC_COLUMNS + " from target_lifecycle where target_id = :targetId";
    private static final String INSERT_LC = """
            insert into target_lifecycle (target_id, stage, state, state_info, run_id, runnable, single_step, updated_at)
            values (:targetId, :stage, :state, :stateInfo, :runId, :runnable, :singleStep, :updatedAt)
            """;
    private static final String UPDATE_LC = """
            update target_lifecycle set stage = :stage, state = :state, state_info = :stateInfo, run_id = :runId, runnable = :runnable,
                   single_step = :singleStep, updated_at = :updatedAt
            where target_id = :targetId
            """;

    void saveStage(Handle h, Stage s) {
        boolean exists = stage(h, s.name()).isPresent();
        h.createUpdate(exists ? UPDATE_STAGE : INSERT_STAGE).bind("name", s.name()).bind("workflow", s.workflow()).bind("description", s.description())
                .bind("createdAt", s.createdAt()).bind("updatedAt", s.updatedAt()).execute();
    }

    Optional<Stage> stage(Handle h, String name) {
        return h.createQuery(STAGE).bind("name", name).map((rs, ctx) -> stage(rs)).findOne();
    }

    List<Stage> stages(Handle h) {
        return h.createQuery(STAGES).map((rs, ctx) -> stage(rs)).list();
    }

    boolean deleteStage(Handle h, String name) {
        return h.createUpdate(DELETE_STAGE).bind("name", name).execute() > 0;
    }

    void replaceMap(Handle h, String scope, List<StageStep> steps) {
        h.createUpdate(CLEAR_MAP).bind("scope", scope).execute();
        for (StageStep s : steps) {
            h.createUpdate(INSERT_STEP).bind("scope", scope).bind("from", s.from()).bind("to", s.to()).bind("way", s.way().name()).execute();
        }
    }

    List<StageStep> map(Handle h, String scope) {
        return h.createQuery(MAP).bind("scope", scope).map((rs, ctx) -> step(rs)).list();
    }

    List<StageStep> maps(Handle h) {
        return h.createQuery(MAPS).map((rs, ctx) -> step(rs)).list();
    }

    Optional<StageStep> step(Handle h, String scope, String from) {
        return h.createQuery(STEP).bind("scope", scope).bind("from", from).map((rs, ctx) -> step(rs)).findOne();
    }

    Optional<Lifecycle> lifecycle(Handle h, String targetId) {
        return h.createQuery(LIFECYCLE).bind("targetId", targetId).map((rs, ctx) -> lifecycle(rs)).findOne();
    }

    void save(Handle h, Lifecycle l) {
        boolean exists = lifecycle(h, l.targetId()).isPresent();
        h.createUpdate(exists ? UPDATE_LC : INSERT_LC).bind("targetId", l.targetId()).bind("stage", l.stage()).bind("state", l.state().name())
                .bind("stateInfo", io.trailboss.model.Names.fitMessage(l.stateInfo(), io.trailboss.model.Names.MAX_DESCRIPTION)).bind("runId", l.runId()).bind("runnable", l.runnable()).bind("singleStep", l.singleStep())
                .bind("updatedAt", l.updatedAt()).execute();
    }

    private static Stage stage(ResultSet rs) throws SQLException {
        return new Stage(rs.getString("name"), rs.getString("workflow"), rs.getString("description"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private static StageStep step(ResultSet rs) throws SQLException {
        return new StageStep(rs.getString("scope"), rs.getString("from_stage"), rs.getString("to_stage"), StageStep.Way.valueOf(rs.getString("on_way")));
    }

    private static Lifecycle lifecycle(ResultSet rs) throws SQLException {
        return new Lifecycle(rs.getString("target_id"), rs.getString("stage"), Lifecycle.State.valueOf(rs.getString("state")), rs.getString("state_info"),
                rs.getString("run_id"), rs.getBoolean("runnable"), rs.getBoolean("single_step"), rs.getLong("updated_at"));
    }
}
