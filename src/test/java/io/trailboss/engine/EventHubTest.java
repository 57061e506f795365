package io.trailboss.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskExecution;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-process event hub and a follower's feed, on real model objects (no engine needed). */
class EventHubTest {
    private static TaskExecution task(String id, String exec, String name, ExecutionState state, long at) {
        return new TaskExecution(id, exec, name, state, null, Map.of(), Map.of(), null, 0, 0, 0, 0, 0, List.of(), java.util.Set.of(), false, false, 1, 0, null, null, at, null, null);
    }

    private static Execution execution(String id, ExecutionState state, long at) {
        return new Execution(id, null, "wf", "sha", state, null, Map.of(), Map.of(), Map.of(), null, null, null, id, 0, 0, 0, 0, at, null, false, null);
    }

    @Test
    void numbers_changes_in_order_and_delivers_them_to_the_execution_and_to_global_followers() throws Exception {
        EventHub hub = new EventHub(Clock.systemUTC());
        EventHub.Subscription one = hub.subscribe("e1");
        EventHub.Subscription all = hub.subscribe(null);
        hub.taskChanged(task("t1", "e1", "a", ExecutionState.RUNNING, 10));
        hub.taskChanged(task("t2", "e2", "b", ExecutionState.RUNNING, 10));
        hub.controlled("e1", "pause");
        hub.executionChanged(execution("e1", ExecutionState.PAUSED, 11));
        assertThat(one.drain()).extracting(Event::seq, Event::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, Event.Kind.TASK), org.assertj.core.groups.Tuple.tuple(3L, Event.Kind.CONTROL),
                org.assertj.core.groups.Tuple.tuple(4L, Event.Kind.EXECUTION));
        assertThat(all.drain()).extracting(Event::seq).containsExactly(1L, 2L, 3L, 4L);
        one.close();
        all.close();
        assertThat(hub.followers()).isZero();
    }

    @Test
    void drops_changes_that_tell_nothing_new_or_arrive_after_a_newer_state() {
        EventHub hub = new EventHub(Clock.systemUTC());
        EventHub.Subscription all = hub.subscribe(null);
        hub.taskChanged(task("t1", "e1", "a", ExecutionState.RUNNING, 10));
        hub.taskChanged(task("t1", "e1", "a", ExecutionState.RUNNING, 12)); // counters changed, state did not
        hub.taskChanged(task("t1", "e1", "a", ExecutionState.SUCCESS, 12));
        hub.taskChanged(task("t1", "e1", "a", ExecutionState.RUNNING, 12)); // told late, same millisecond
        hub.taskChanged(task("t1", "e1", "a", ExecutionState.RUNNING, 11)); // told late, older
        assertThat(all.drain()).extracting(Event::state).containsExactly("RUNNING", "SUCCESS");
    }

    @Test
    void drops_a_follower_that_falls_a_whole_queue_behind_without_blocking_the_publisher() {
        EventHub hub = new EventHub(Clock.systemUTC(), 2);
        EventHub.Subscription slow = hub.subscribe("e1");
        EventHub.Subscription other = hub.subscribe("e1");
        for (int i = 0; i < 3; i++) hub.taskChanged(task("t" + i, "e1", "a" + i, ExecutionState.RUNNING, 10));
        assertThat(slow.overflowed()).isTrue();
        assertThat(other.overflowed()).isTrue();
        assertThat(hub.followers()).isZero();
        EventHub.Subscription fresh = hub.subscribe("e1");
        assertThat(fresh.startSeq()).isEqualTo(3);
        hub.taskChanged(task("t9", "e1", "z", ExecutionState.RUNNING, 10));
        assertThat(fresh.drain()).extracting(Event::seq).containsExactly(4L);
        assertThat(fresh.overflowed()).isFalse();
    }

    @Test
    void a_feed_joins_the_state_read_after_subscribing_with_live_events_without_duplicates() {
        EventHub hub = new EventHub(Clock.systemUTC());
        EventHub.Subscription sub = hub.subscribe("e1");
        // changes committed between subscribing and reading the state: in the queue and in the state read
        hub.taskChanged(task("t1", "e1", "a", ExecutionState.SUCCESS, 20));
        hub.taskChanged(task("t2", "e1", "b", ExecutionState.RUNNING, 20));
        EventFeed feed = new EventFeed();
        List<Event> snapshot = EventFeed.snapshot(execution("e1", ExecutionState.RUNNING, 20),
                List.of(task("t1", "e1", "a", ExecutionState.SUCCESS, 20), task("t2", "e1", "b", ExecutionState.RUNNING, 20)), sub.startSeq());
        assertThat(snapshot).allMatch(Event::snapshot).extracting(Event::kind).containsExactly(Event.Kind.EXECUTION, Event.Kind.TASK, Event.Kind.TASK);
        snapshot.forEach(feed::admit);
        hub.taskChanged(task("t2", "e1", "b", ExecutionState.SUCCESS, 25));
        hub.controlled("e1", "pause");
        assertThat(sub.drain().stream().filter(feed::admit).toList()).extracting(Event::state, Event::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("SUCCESS", null), org.assertj.core.groups.Tuple.tuple(null, "pause"));
    }

    @Test
    void a_finished_execution_comes_after_its_tasks_in_a_snapshot() {
        List<Event> snapshot = EventFeed.snapshot(execution("e1", ExecutionState.ERROR, 30),
                List.of(task("t1", "e1", "a", ExecutionState.ERROR, 30)), 7);
        assertThat(snapshot).extracting(Event::kind).containsExactly(Event.Kind.TASK, Event.Kind.EXECUTION);
        assertThat(snapshot.get(1).endsExecution()).isTrue();
        assertThat(snapshot).extracting(Event::seq).containsOnly(7L);
    }
}
