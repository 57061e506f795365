package io.trailboss.cluster;

import java.util.List;
import org.jdbi.v3.core.Handle;

/** The node table: one row per server process that ever started on this database (recent ones). */
public final class NodeStore {
    /** The node that owns work left by processes that ran before nodes were recorded. */
    public static final String BEFORE_NODES = "before-nodes";

    public record NodeRow(String id, String host, int port, String version, long startedAt, long heartbeatAt, long leaseMs,
            String load, String recoveredBy, Long recoveredAt) {
        public boolean alive(long now) {
            return recoveredBy == null && heartbeatAt + leaseMs >= now;
        }
    }

    private static final String COLUMNS = "id, host, port, version, started_at, heartbeat_at, lease_ms, load_json, recovered_by, recovered_at";

    public void insert(Handle h, String id, String host, int port, String version, long now, long leaseMs, String load) {
        h.createUpdate("""
                        insert into node (id, host, port, version, started_at, heartbeat_at, lease_ms, load_json)
                        values (:id, :host, :port, :version, :now, :now, :lease, :load)""")
                .bind("id", id).bind("host", host).bind("port", port).bind("version", version).bind("now", now)
                .bind("lease", leaseMs).bind("load", load).execute();
    }

    /** Refreshes a live node's heartbeat; false when another node has declared it dead (and taken its work). */
    public boolean heartbeat(Handle h, String id, int port, long now, long leaseMs, String load) {
        return h.createUpdate("""
                        update node set heartbeat_at = :now, port = :port, lease_ms = :lease, load_json = :load
                        where id = :id and recovered_by is null""")
                .bind("id", id).bind("port", port).bind("now", now).bind("lease", leaseMs).bind("load", load).execute() == 1;
    }

    /** Nodes not recovered yet, other than {@code self}. */
    public List<NodeRow> unrecovered(Handle h, String self) {
        return h.createQuery("select " + COLUMNS + " from node where recovered_by is null and id <> :self")
                .bind("self", self).map((rs, ctx) -> map(rs)).list();
    }

    /**
     * Claims the recovery of a dead node: only one survivor's update matches (the node is still
     * unrecovered and its heartbeat is still the one that was seen expired).
     */
    public boolean claimRecovery(Handle h, String dead, long seenHeartbeat, String survivor, long now) {
        return h.createUpdate("""
                        update node set recovered_by = :survivor, recovered_at = :now
                        where id = :dead and recovered_by is null and heartbeat_at = :seen""")
                .bind("dead", dead).bind("seen", seenHeartbeat).bind("survivor", survivor).bind("now", now).execute() == 1;
    }

    public List<NodeRow> all(Handle h) {
        return h.createQuery("select " + COLUMNS + " from node where id <> :before order by started_at, id")
                .bind("before", BEFORE_NODES).map((rs, ctx) -> map(rs)).list();
    }

    /** Forgets nodes recovered before {@code before} (their work was taken over long ago). */
    public int forget(Handle h, long before) {
        return h.createUpdate("delete from node where recovered_at is not null and recovered_at < :before").bind("before", before).execute();
    }

    private static NodeRow map(java.sql.ResultSet rs) throws java.sql.SQLException {
        long at = rs.getLong("recovered_at");
        Long recoveredAt = rs.wasNull() ? null : at;
        return new NodeRow(rs.getString("id"), rs.getString("host"), rs.getInt("port"), rs.getString("version"), rs.getLong("started_at"),
                rs.getLong("heartbeat_at"), rs.getLong("lease_ms"), rs.getString("load_json"), rs.getString("recovered_by"), recoveredAt);
    }

    /** A node that stopped cleanly: its heartbeat is long gone, so a survivor takes over its work at once. */
    public void markStopped(Handle h, String id) {
        h.createUpdate("update node set heartbeat_at = 0 where id = :id and recovered_by is null").bind("id", id).execute();
    }
}
