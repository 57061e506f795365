package io.trailboss.conformance;

import io.trailboss.model.ExecutionState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One conformance workflow: its YAML (the token {@code WF} stands for a workflow name unique to the
 * case), how to start it, and what Mistral 15 would end with. Built fluently so each case reads as
 * a short statement of the behaviour it pins down.
 */
final class Case {
    /** Drives an execution that needs outside help (resume, async completion) to its end. */
    interface Driver {
        void drive(Run run) throws Exception;
    }

    final String name;
    final String yaml;
    final List<String> preludes = new ArrayList<>();
    Map<String, Object> input = Map.of();
    Map<String, Object> env = Map.of();
    String targetTask;
    ExecutionState expected = ExecutionState.SUCCESS;
    boolean checkOutput;
    Object output;
    final Map<String, ExecutionState> taskStates = new LinkedHashMap<>();
    final List<String> absent = new ArrayList<>();
    final List<Consumer<Run>> checks = new ArrayList<>();
    Driver driver;

    private Case(String name, String yaml) {
        this.name = name;
        this.yaml = yaml;
    }

    static Case of(String name, String yaml) {
        return new Case(name, yaml);
    }

    /** The main workflow's name: the case name, so stored workflows never collide. */
    String workflow() {
        return name;
    }

    String render(String text) {
        return text.replace("WF", name);
    }

    Case prelude(String otherDocument) {
        preludes.add(otherDocument);
        return this;
    }

    Case input(Map<String, Object> value) {
        input = value;
        return this;
    }

    Case env(Map<String, Object> value) {
        env = value;
        return this;
    }

    Case target(String task) {
        targetTask = task;
        return this;
    }

    Case state(ExecutionState value) {
        expected = value;
        return this;
    }

    Case output(Object value) {
        checkOutput = true;
        output = value;
        return this;
    }

    /** Expected state of the latest execution of each named task. */
    Case tasks(Object... nameStatePairs) {
        for (int i = 0; i < nameStatePairs.length; i += 2) {
            taskStates.put((String) nameStatePairs[i], (ExecutionState) nameStatePairs[i + 1]);
        }
        return this;
    }

    /** Tasks that must never have run. */
    Case absent(String... names) {
        absent.addAll(List.of(names));
        return this;
    }

    Case check(Consumer<Run> check) {
        checks.add(check);
        return this;
    }

    Case drive(Driver value) {
        driver = value;
        return this;
    }

    @Override
    public String toString() {
        return name;
    }
}
