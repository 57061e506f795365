package io.trailboss.record;

import java.util.Map;

/** A recorded playbook with one play, file and task, and a host named {@code host}: what a result refers to. */
record RecordedTask(long playbook, long play, long task, long host) {
    static RecordedTask create(Recordings r, String host) {
        long pb = id(r.create(AraResource.PLAYBOOKS, Map.of("ansible_version", "2.14.18", "path", "/p.yml")));
        long file = id(r.create(AraResource.FILES, Map.of("path", "/p.yml", "content", "x", "playbook", pb)));
        long play = id(r.create(AraResource.PLAYS, Map.of("uuid", java.util.UUID.randomUUID().toString(), "playbook", pb)));
        long task = id(r.create(AraResource.TASKS, Map.of("action", "debug", "lineno", 1, "handler", false, "play", play, "file", file, "playbook", pb)));
        return new RecordedTask(pb, play, task, id(r.create(AraResource.HOSTS, Map.of("name", host, "playbook", pb))));
    }

    /** Another host of the same playbook. */
    long host(Recordings r, String name) {
        return id(r.create(AraResource.HOSTS, Map.of("name", name, "playbook", playbook)));
    }

    private static long id(Map<String, Object> m) {
        return ((Number) m.get("id")).longValue();
    }
}
