package io.trailboss.engine;

import io.trailboss.model.Execution;
import io.trailboss.model.TaskExecution;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one follower has been sent: it turns the state read at subscription time into events and
 * then admits only live events that say something newer, so the history and the live events join
 * without a gap (the follower subscribed before reading) and without a duplicate.
 */
public final class EventFeed {
    private final Map<String, Event> sent = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
            return size() > 50_000;
        }
    };

    /**
     * The current state of an execution as events: the execution, then its task executions in the
     * order they were created; for a finished execution the execution comes last, after its tasks.
     */
    public static List<Event> snapshot(Execution execution, List<TaskExecution> tasks, long seq) {
        List<Event> out = new ArrayList<>();
        boolean over = execution.state().isFinal();
        if (!over) out.add(Event.of(execution).numbered(seq, true));
        tasks.stream().sorted(java.util.Comparator.comparingLong(TaskExecution::seq)).forEach(t -> out.add(Event.of(t).numbered(seq, true)));
        if (over) out.add(Event.of(execution).numbered(seq, true));
        return out;
    }

    /** True if the event is news to this follower (and remembers it as sent); controls always are. */
    public boolean admit(Event event) {
        String subject = event.subject();
        if (subject == null) return true;
        if (!event.supersedes(sent.get(subject))) return false;
        sent.put(subject, event);
        return true;
    }
}
