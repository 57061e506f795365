package io.trailboss.engine;

import io.trailboss.model.Execution;
import io.trailboss.model.TaskExecution;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Live state-change events for followers of one execution or of all of them (the SSE streams).
 * The engine tells it after each commit; it numbers each change that says something new (a
 * changed state or info, never an older state than one already published) and offers it to each
 * follower's bounded queue without ever blocking: a follower whose queue is full is dropped and
 * marked {@link Subscription#overflowed() overflowed}, so a slow client never holds up the engine.
 */
public final class EventHub implements EngineListener {
    public static final int DEFAULT_CAPACITY = 1024;
    private static final int REMEMBERED = 100_000;

    private final Clock clock;
    private final int capacity;
    private long seq; // guarded by this
    private final Set<Subscription> everything = new LinkedHashSet<>(); // guarded by this
    private final Map<String, Set<Subscription>> byExecution = new HashMap<>(); // guarded by this
    private final Map<String, Event> latest = new LinkedHashMap<>(1024, 0.75f, true) { // guarded by this
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
            return size() > REMEMBERED;
        }
    };

    public EventHub(Clock clock) {
        this(clock, DEFAULT_CAPACITY);
    }

    /** {@code capacity}: how many events a follower may fall behind before it is dropped. */
    public EventHub(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    @Override
    public void taskChanged(TaskExecution task) {
        publish(Event.of(task));
    }

    @Override
    public void executionChanged(Execution execution) {
        publish(Event.of(execution));
    }

    public void controlled(String executionId, String action) {
        controlled(executionId, action, null);
    }

    @Override
    public void controlled(String executionId, String action, String tasks) {
        publish(Event.control(executionId, action, tasks, clock.millis()));
    }

    /** Publishes an event (numbered here) unless it tells nothing new about its subject. */
    public synchronized void publish(Event event) {
        String subject = event.subject();
        if (subject != null) {
            if (!event.supersedes(latest.get(subject))) return;
            latest.put(subject, event);
        }
        Event numbered = event.numbered(++seq, false);
        offer(everything, numbered);
        offer(byExecution.get(numbered.executionId()), numbered);
    }

    private void offer(Set<Subscription> subscriptions, Event event) {
        if (subscriptions == null) return;
        for (var it = subscriptions.iterator(); it.hasNext(); ) {
            Subscription s = it.next();
            if (!s.queue.offer(event)) {
                s.overflowed = true;
                it.remove();
            }
        }
        if (subscriptions.isEmpty() && subscriptions != everything) byExecution.values().remove(subscriptions);
    }

    /**
     * Follows one execution ({@code executionId}) or every execution (null). Subscribe before
     * reading the current state, so that nothing falls between the two; {@link EventFeed} drops what
     * the state already showed.
     */
    public synchronized Subscription subscribe(String executionId) {
        Subscription s = new Subscription(this, executionId, seq, new ArrayBlockingQueue<>(capacity));
        if (executionId == null) everything.add(s);
        else byExecution.computeIfAbsent(executionId, k -> new LinkedHashSet<>()).add(s);
        return s;
    }

    private synchronized void unsubscribe(Subscription s) {
        if (s.executionId == null) {
            everything.remove(s);
            return;
        }
        Set<Subscription> set = byExecution.get(s.executionId);
        if (set != null && set.remove(s) && set.isEmpty()) byExecution.remove(s.executionId);
    }

    /** How many followers there are now (for tests and metrics). */
    public synchronized int followers() {
        return everything.size() + byExecution.values().stream().mapToInt(Set::size).sum();
    }

    /** One follower's queue of events. Close it when the follower goes away. */
    public static final class Subscription implements AutoCloseable {
        private final EventHub hub;
        private final String executionId;
        private final long startSeq;
        private final BlockingQueue<Event> queue;
        private volatile boolean overflowed;

        private Subscription(EventHub hub, String executionId, long startSeq, BlockingQueue<Event> queue) {
            this.hub = hub;
            this.executionId = executionId;
            this.startSeq = startSeq;
            this.queue = queue;
        }

        /** The execution followed, or null for all. */
        public String executionId() {
            return executionId;
        }

        /** The sequence number of the last event published before this subscription. */
        public long startSeq() {
            return startSeq;
        }

        /** How many events may wait before the follower is dropped. */
        public int capacity() {
            return hub.capacity;
        }

        /** True once the follower fell a whole queue behind and was dropped: no more events come. */
        public boolean overflowed() {
            return overflowed;
        }

        /** The next event, or null after {@code timeout}. */
        public Event poll(long timeout, TimeUnit unit) throws InterruptedException {
            return queue.poll(timeout, unit);
        }

        /** The events waiting now, without waiting. */
        public List<Event> drain() {
            List<Event> out = new java.util.ArrayList<>();
            queue.drainTo(out);
            return out;
        }

        @Override
        public void close() {
            hub.unsubscribe(this);
        }
    }
}
