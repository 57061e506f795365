package io.trailboss.auth;

import io.trailboss.store.BatchingQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log ({@code audit_log}): who did what, on what, with which outcome. Entries are queued and
 * written in batches by one thread, so recording costs a request nothing and never fails it; a full
 * queue (the database unreachable for long) drops entries with a warning. Reads flush the queue first.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final int QUEUE = 10_000, BATCH = 500;

    /** One entry; the builder methods return copies. */
    public record Entry(long at, String actor, String actorKind, String tokenId, String action, String target, String execution,
            String subject, int status, String detail) {
        public static Entry of(Principal p, String action) {
            return new Entry(0, p == null ? "anonymous" : p.name(), p == null ? "anonymous" : p.kind().label(), p == null ? null : p.tokenId(),
                    action, null, null, null, 0, null);
        }

        public static Entry anonymous(String name, String action) {
            return new Entry(0, name, "anonymous", null, action, null, null, null, 0, null);
        }

        public Entry target(String v) {
            return new Entry(at, actor, actorKind, tokenId, action, cut(v, 255), execution, subject, status, detail);
        }

        public Entry execution(String v) {
            return new Entry(at, actor, actorKind, tokenId, action, target, cut(v, 36), subject, status, detail);
        }

        public Entry subject(String v) {
            return new Entry(at, actor, actorKind, tokenId, action, target, execution, cut(v, 255), status, detail);
        }

        public Entry status(int v) {
            return new Entry(at, actor, actorKind, tokenId, action, target, execution, subject, v, detail);
        }

        public Entry detail(String v) {
            return new Entry(at, actor, actorKind, tokenId, action, target, execution, subject, status, cut(v, 1000));
        }

        Entry at(long v) {
            return new Entry(v, cut(actor, 200), actorKind, tokenId, cut(action, 300), target, execution, subject, status, detail);
        }

        private static String cut(String s, int max) {
            return s == null || s.length() <= max ? s : s.substring(0, max);
        }
    }

    /** What to look for; null fields do not filter. Times in epoch millis. */
    public record Query(String actor, String action, String target, Long since, Long until, int limit, int offset) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final BatchingQueue<Entry> queue;

    public AuditLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.queue = new BatchingQueue<>("audit-writer", QUEUE, BATCH, this::write);
    }

    /** Queues an entry; never throws. */
    public void record(Entry e) {
        try {
            Entry stamped = e.at(clock.millis());
            if (!queue.offer(stamped)) {
                LOG.warn("audit {}: dropped {} by {}", queue.isClosed() ? "log closed" : "queue full", e.action(), e.actor());
            }
        } catch (RuntimeException ex) {
            LOG.warn("could not record an audit entry: {}", ex.toString());
        }
    }

    /** Waits until everything recorded so far is written (at most 10 s). */
    public void flush() {
        queue.flush(Duration.ofSeconds(10));
    }

    private void write(List<Entry> batch) {
        try {
            jdbi.useHandle(h -> {
                var b = h.prepareBatch("""
                        insert into audit_log (at, actor, actor_kind, token_id, action, target, execution, subject, status, detail)
                        values (:at, :actor, :kind, :token, :action, :target, :execution, :subject, :status, :detail)""");
                for (Entry e : batch) {
                    b.bind("at", e.at()).bind("actor", e.actor()).bind("kind", e.actorKind()).bind("token", e.tokenId()).bind("action", e.action())
                            .bind("target", e.target()).bind("execution", e.execution()).bind("subject", e.subject()).bind("status", e.status())
                            .bind("detail", e.detail()).add();
                }
                b.execute();
            });
        } catch (RuntimeException e) {
            LOG.warn("could not write {} audit entries: {}", batch.size(), e.toString());
        }
    }

    /** Entries newest first, with the total that match. */
    public Map<String, Object> query(Query q) {
        flush();
        StringBuilder where = new StringBuilder(" where 1 = 1");
        if (q.actor() != null) where.append(" and actor = :actor");
        if (q.action() != null) where.append(" and action like :action");
        if (q.target() != null) where.append(" and target = :target");
        if (q.since() != null) where.append(" and at >= :since");
        if (q.until() != null) where.append(" and at < :until");
        return jdbi.withHandle(h -> {
            var count = h.createQuery("select count(*) from audit_log" + where);
            var select = h.createQuery("select * from audit_log" + where + " order by at desc, id desc limit :limit offset :offset")
                    .bind("limit", q.limit()).bind("offset", q.offset());
            for (var s : List.of(count, select)) {
                if (q.actor() != null) s.bind("actor", q.actor());
                if (q.action() != null) s.bind("action", q.action() + "%");
                if (q.target() != null) s.bind("target", q.target());
                if (q.since() != null) s.bind("since", q.since());
                if (q.until() != null) s.bind("until", q.until());
            }
            long total = count.mapTo(Long.class).one();
            List<Map<String, Object>> items = select.map((rs, ctx) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", rs.getLong("id"));
                m.put("at", java.time.Instant.ofEpochMilli(rs.getLong("at")).toString());
                m.put("actor", rs.getString("actor"));
                m.put("actor_kind", rs.getString("actor_kind"));
                m.put("token_id", rs.getString("token_id"));
                m.put("action", rs.getString("action"));
                m.put("target", rs.getString("target"));
                m.put("execution", rs.getString("execution"));
                m.put("subject", rs.getString("subject"));
                m.put("status", rs.getInt("status"));
                m.put("detail", rs.getString("detail"));
                return m;
            }).list();
            Map<String, Object> page = new LinkedHashMap<>();
            page.put("items", items);
            page.put("total", total);
            page.put("limit", q.limit());
            page.put("offset", q.offset());
            return page;
        });
    }

    @Override
    public void close() {
        List<Entry> left = queue.close(Duration.ofSeconds(10));
        if (!left.isEmpty()) LOG.warn("audit log closed: dropped {} entries not written within 10 s", left.size());
    }
}
