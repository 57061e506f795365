package io.trailboss.cluster;

import io.trailboss.agent.AgentHub;
import io.trailboss.engine.Engine;
import io.trailboss.engine.EventHub;
import io.trailboss.engine.LocalRunner;
import io.trailboss.json.Json;
import io.trailboss.store.ExecutionStore;
import io.trailboss.store.TaskStore;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a node does with another node's signal ({@code kind|sender node|data}); its own are ignored. */
final class SignalReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(SignalReceiver.class);
    private final Jdbi jdbi;
    private final Engine engine;
    private final LocalRunner local;
    private final AgentHub agents;
    private final String self;
    private final ExecutionStore executions = new ExecutionStore();
    private final TaskStore tasks = new TaskStore();

    SignalReceiver(Jdbi jdbi, Engine engine, LocalRunner local, AgentHub agents) {
        this.jdbi = jdbi;
        this.engine = engine;
        this.local = local;
        this.agents = agents;
        this.self = engine.nodeId();
    }

    /** Whatever was signalled while nobody listened: everything is looked at again. */
    void lookAgain() {
        agents.wake();
        engine.timerService().due(0);
        local.poke();
    }

    void handle(String payload) {
        try {
            String[] parts = payload.split("\\|", 3);
            if (parts.length < 3 || parts[1].equals(self)) return;
            String data = parts[2];
            switch (parts[0]) {
                case "changed" -> changedElsewhere(Json.readMap(data));
                case "log" -> {
                    String[] d = data.split("\\|");
                    engine.jobLogs().chunkElsewhere(d[0], d[1], Integer.parseInt(d[2]));
                }
                case "logend" -> engine.jobLogs().endedElsewhere(data);
                case "stop" -> {
                    String[] d = data.split("\\|");
                    local.interrupt(d[0], Long.parseLong(d[1]));
                }
                case "timer" -> engine.timerService().due(Long.parseLong(data));
                case "jobs" -> agents.wake();
                case "input" -> {
                    if (data.equals(local.name())) local.takeInputs();
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot handle a signal from another node ({}): {}", payload, e.toString());
        }
    }

    /** Another node's transaction changed these: followers here get the rows as they are now. */
    private void changedElsewhere(Map<String, Object> changed) {
        EventHub events = engine.events();
        if (events.followers() == 0) return;
        List<String> e = strings(changed.get("e"));
        List<String> t = strings(changed.get("t"));
        jdbi.useHandle(h -> {
            if (changed.get("c") instanceof List<?> controls) {
                for (Object o : controls) {
                    List<String> c = strings(o);
                    if (c.size() == 3) events.controlled(c.get(0), c.get(1), c.get(2).isEmpty() ? null : c.get(2));
                }
            }
            for (String id : t) tasks.find(h, id).ifPresent(events::taskChanged);
            for (String id : e) executions.find(h, id).ifPresent(events::executionChanged);
        });
    }

    private static List<String> strings(Object o) {
        if (!(o instanceof List<?> l)) return List.of();
        return l.stream().map(String::valueOf).toList();
    }
}
