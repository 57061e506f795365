package io.trailboss.engine;

import java.util.List;
import java.util.Map;

/**
 * Where the engine finds the targets a task names: by name, a list of names, or a label selector
 * ({@code {labels: {role: web}, kind: machine}}). Each target comes with its effective params as
 * plain values (secrets opened) for rendering the job, and the secret values to mask in its log.
 */
public interface TargetDirectory {
    List<TargetView> select(Object selector);

    /** A target as a job sees it. {@code secrets}: values that must never appear in a log. */
    record TargetView(String name, String kind, String parent, Map<String, String> labels, Map<String, Object> params, List<String> secrets) {
        /** What templates see as {@code target}. */
        public Map<String, Object> asData() {
            return Map.of("name", name, "kind", kind, "parent", parent == null ? "" : parent, "labels", labels);
        }
    }

    TargetDirectory NONE = selector -> {
        throw new InvalidInputException("targets", "this server has no targets");
    };
}
