package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an attempt of a task amounts to once all its jobs have ended: its result (one job's output;
 * a list per item with with-items; a map per target with targets) and why it failed.
 */
final class AttemptVerdict {
    private AttemptVerdict() {}

    /** {@code jobs}: the attempt's jobs in item order, an INCOMPLETE run already replaced by its last run. */
    static TaskPolicy.Verdict of(TaskSpec ts, List<Job> jobs, boolean success) {
        Object result;
        String info = null;
        if (ts.targets() != null) {
            // per target: {target: result}; with with-items, one such map per item
            List<Object> perItem = new ArrayList<>();
            Map<String, Object> current = new LinkedHashMap<>();
            int lastItem = -1;
            int targetsPerItem = (int) jobs.stream().map(Job::target).distinct().count();
            for (Job j : jobs) {
                int item = j.itemIndex() / Math.max(1, targetsPerItem);
                if (item != lastItem && lastItem >= 0) {
                    perItem.add(current);
                    current = new LinkedHashMap<>();
                }
                lastItem = item;
                current.put(j.target(), j.state() == JobState.SUCCEEDED ? j.output() : j.output() != null ? j.output() : j.error());
            }
            perItem.add(current);
            result = ts.withItems().isEmpty() ? perItem.getFirst() : perItem;
            if (!success) info = jobs.stream().filter(j -> j.state() != JobState.SUCCEEDED).map(j -> j.target() + ": " + j.error()).findFirst().orElse("a target failed");
        } else if (!ts.withItems().isEmpty()) {
            List<Object> results = new ArrayList<>();
            for (Job j : jobs) results.add(j.state() == JobState.SUCCEEDED ? j.output() : j.error());
            result = results;
            if (!success) info = jobs.stream().filter(j -> j.state() != JobState.SUCCEEDED).map(Job::error).findFirst().orElse("an item failed");
        } else {
            Job j = jobs.isEmpty() ? null : jobs.getLast();
            if (j == null) {
                result = null;
            } else if (j.state() == JobState.SUCCEEDED) {
                result = j.output();
            } else {
                result = j.output() != null ? j.output() : j.error();
                info = j.error();
            }
        }
        return new TaskPolicy.Verdict(success, result, info);
    }
}
