package io.trailboss.record;

import io.trailboss.record.AraResource.Field;
import io.trailboss.record.AraResource.Kind;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementException;

/**
 * The rows of ARA's objects in the {@code rec_*} tables (playbooks, plays, tasks, hosts, results,
 * files, records, labels), one resource's table at a time; a broken constraint becomes ARA's 400.
 * Labels' links and files' contents have their own stores.
 */
final class RecordStore {
    private static final String FILE_BY_PATH = "select f.id from rec_file f where f.playbook_id = :playbook and f.path = :path";
    private static final String HOST_BY_NAME = "select h.id from rec_host h where h.playbook_id = :playbook and h.name = :name";
    private static final String OWNER_JOB = "select coalesce(job_id, '') from rec_playbook where id = :id";
    private static final String OLD_PLAYBOOKS = "select id from rec_playbook where started_at < :before order by id limit 500";
    private static final String DELETE_PLAYBOOKS = "delete from rec_playbook where id in (<ids>)";
    /** The hosts of latesthosts: each name's latest. */
    static final String LATEST = "h.id in (select max(x.id) from rec_host x group by x.name)";
    /** The columns that refer to an object of the same playbook, with its table. */
    static final Map<String, String> PARENT_TABLES = Map.of("play_id", "rec_play", "task_id", "rec_task", "host_id", "rec_host", "file_id", "rec_file");

    long insert(Handle h, AraResource r, Map<String, Object> values) {
        String cols = String.join(", ", values.keySet());
        String params = String.join(", ", values.keySet().stream().map(c -> ":" + c).toList());
        try {
            return h.createUpdate("insert into " + r.table + " (" + cols + ") values (" + params + ")").bindMap(values)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        } catch (StatementException e) {
            throw translate(e, r);
        }
    }

    /** Results of the same columns in one batch; answers their ids in order. */
    List<Long> insertResults(Handle h, List<String> columns, List<Map<String, Object>> rows) {
        var pb = h.prepareBatch("insert into rec_result (" + String.join(", ", columns) + ") values ("
                + String.join(", ", columns.stream().map(c -> ":" + c).toList()) + ")");
        for (Map<String, Object> row : rows) pb.bindMap(row).add();
        return pb.executePreparedBatch("id").mapTo(Long.class).list();
    }

    /** Sets the given columns of one object; answers how many rows changed (0: no such object). */
    int update(Handle h, AraResource r, long id, Map<String, Object> values) {
        List<String> sets = new ArrayList<>();
        values.keySet().forEach(c -> sets.add(c + " = :" + c));
        try {
            return h.createUpdate("update " + r.table + " set " + String.join(", ", sets) + " where id = :id").bindMap(values).bind("id", id).execute();
        } catch (StatementException e) {
            throw translate(e, r);
        }
    }

    int delete(Handle h, AraResource r, long id) {
        return h.createUpdate("delete from " + r.table + " where id = :id").bind("id", id).execute();
    }

    /** A host by playbook and name, or a file by playbook and path: their natural keys. */
    Optional<Long> idByKey(Handle h, AraResource r, Map<String, Object> key) {
        String sql = switch (r) {
            case HOSTS -> HOST_BY_NAME;
            case FILES -> FILE_BY_PATH;
            default -> throw new IllegalArgumentException(r + " has no natural key");
        };
        return h.createQuery(sql).bindMap(key).mapTo(Long.class).findOne();
    }

    /** The playbook an object lies in. */
    Optional<Long> playbookOf(Handle h, AraResource r, long id) {
        return h.createQuery("select playbook_id from " + r.table + " where id = :id").bind("id", id).mapTo(Long.class).findOne();
    }

    /** The job that created a playbook ('' when none did). */
    Optional<String> ownerJob(Handle h, long playbook) {
        return h.createQuery(OWNER_JOB).bind("id", playbook).mapTo(String.class).findOne();
    }

    /**
     * In one read: the job that created a playbook ({@code owner_job}, '' when none, null when there is
     * no such playbook) and, for each referring column given, the playbook of the object it names.
     */
    Map<String, Object> ownerAndParents(Handle h, long playbook, Map<String, Long> refs) {
        StringBuilder sql = new StringBuilder("select (select coalesce(p.job_id, '') from rec_playbook p where p.id = :playbook_id) as owner_job");
        for (String ref : refs.keySet()) {
            sql.append(", (select x.playbook_id from ").append(PARENT_TABLES.get(ref)).append(" x where x.id = :").append(ref).append(") as ").append(ref);
        }
        var q = h.createQuery(sql + " from (values (1)) as one (x)").bind("playbook_id", playbook);
        refs.forEach(q::bind);
        return q.mapToMap().one();
    }

    /** Up to 500 playbooks that started before a time, oldest first. */
    List<Long> oldPlaybooks(Handle h, long before) {
        return h.createQuery(OLD_PLAYBOOKS).bind("before", before).mapTo(Long.class).list();
    }

    /** Deletes playbooks with everything below them. */
    int deletePlaybooks(Handle h, List<Long> ids) {
        return h.createUpdate(DELETE_PLAYBOOKS).bindList("ids", ids).execute();
    }

    Optional<Map<String, Object>> row(Handle h, AraResource r, long id, AraForm form) {
        return h.createQuery(select(r, form) + " where " + r.alias + ".id = :id").bind("id", id).map((rs, ctx) -> row(rs)).findOne();
    }

    List<Map<String, Object>> rows(Handle h, AraResource r, Collection<Long> ids) {
        return h.createQuery(select(r, AraForm.LIST) + " where " + r.alias + ".id in (<ids>)")
                .bindList("ids", new ArrayList<>(ids)).map((rs, ctx) -> row(rs)).list();
    }

    long count(Handle h, AraResource r, String whereSql, Map<String, Object> binds) {
        return h.createQuery("select count(*) from " + r.table + " " + r.alias + whereSql).bindMap(binds).mapTo(Long.class).one();
    }

    List<Map<String, Object>> page(Handle h, AraResource r, String whereSql, String order, Map<String, Object> binds, int limit, int offset) {
        return h.createQuery(select(r, AraForm.LIST) + whereSql + " order by " + order + " limit :limit offset :offset")
                .bindMap(binds).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> row(rs)).list();
    }

    private static String select(AraResource r, AraForm form) {
        String a = r.alias;
        StringBuilder sql = new StringBuilder("select ").append(a).append(".id");
        for (Field f : r.fields) {
            if (f.large() && form == AraForm.LIST) continue;
            sql.append(", ").append(a).append('.').append(f.column());
        }
        sql.append(", ").append(a).append(".created_at, ").append(a).append(".updated_at");
        boolean counts = form != AraForm.CREATE;
        switch (r) {
            case PLAYBOOKS -> {
                if (counts) {
                    for (String child : List.of("play", "task", "result", "host", "file", "record")) {
                        sql.append(", (select count(*) from rec_").append(child).append(" x where x.playbook_id = p.id) as items_").append(child).append('s');
                    }
                }
            }
            case PLAYS -> {
                if (counts) {
                    sql.append(", (select count(*) from rec_task x where x.play_id = y.id) as items_tasks");
                    sql.append(", (select count(*) from rec_result x where x.play_id = y.id) as items_results");
                }
            }
            case TASKS -> {
                if (counts) {
                    sql.append(", (select count(*) from rec_result x where x.task_id = t.id) as items_results");
                    sql.append(", (select x.path from rec_file x where x.id = t.file_id) as file_path");
                }
            }
            case FILES -> {
                sql.append(", f.sha1");
                if (form != AraForm.LIST) sql.append(", (select x.content from rec_file_content x where x.sha1 = f.sha1) as content");
            }
            default -> { }
        }
        return sql.append(" from ").append(r.table).append(' ').append(a).toString();
    }

    private static Map<String, Object> row(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            if (v instanceof Clob) v = rs.getString(i);
            row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), v);
        }
        return row;
    }

    private static RuntimeException translate(StatementException e, AraResource r) {
        String state = SqlStates.of(e);
        if (SqlStates.UNIQUE_VIOLATION.equals(state)) {
            String key = switch (r) {
                case HOSTS -> "name, playbook";
                case FILES -> "path, playbook";
                case RECORDS -> "key, playbook";
                default -> "name";
            };
            return RecordException.invalid(null, "The fields " + key + " must make a unique set.");
        }
        if ("23503".equals(state) || "23506".equals(state)) {
            List<String> refs = r.fields.stream().filter(f -> f.kind() == Kind.ID).map(Field::name).toList();
            return RecordException.invalid(refs.isEmpty() ? null : refs.get(0), "Invalid pk: a referenced object (" + String.join(", ", refs) + ") does not exist.");
        }
        return e;
    }
}
