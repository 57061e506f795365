package io.trailboss.engine;

import io.trailboss.definition.WorkflowDocument;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.expr.EvaluationScope;
import io.trailboss.model.Execution;
import io.trailboss.model.TaskExecution;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * What the engine's expressions saw in a task of an execution, for people trying expressions against a real run:
 * the task's data context and the scope of Mistral's functions, built by the engine's own {@link Step}, so that
 * an expression evaluated over them gives what it gave (or would give) in the workflow. Reads only.
 */
public final class TaskContexts {
    private final Engine engine;

    public TaskContexts(Engine engine) {
        this.engine = engine;
    }

    /** The data ({@code $} in YAQL, {@code _} in Jinja) and the scope of task(), tasks(), execution(), env(), global(). */
    public record TaskContext(Map<String, Object> data, EvaluationScope scope) {}

    /**
     * A task's context: what its publish saw (the execution's context merged with the task's inbound context)
     * merged with what it published, which is what its transitions see; the task's latest run when it ran more
     * than once. Without a task ({@code null}), the execution's final context (what its output is evaluated
     * over). The execution, the task and the context are read in one read-only transaction; task() and tasks()
     * read when an expression calls them, each in a short read-only transaction, remembered for the scope's life.
     *
     * @throws NotFoundException when the execution, or the task in it, does not exist
     */
    public TaskContext of(String executionId, String taskName) {
        return read(h -> {
            Execution ex = engine.executions.find(h, executionId)
                    .orElseThrow(() -> new NotFoundException("execution '" + executionId + "' does not exist"));
            Step step = step(h, ex);
            TaskExecution task = null;
            Map<String, Object> data;
            if (taskName == null) {
                data = WorkflowEnd.outputContext(step, WorkflowEnd.finalContext(step));
            } else {
                task = step.latestTask(taskName);
                if (task == null) throw new NotFoundException("task '" + taskName + "' does not exist in execution '" + executionId + "'");
                data = Maps.deepMerge(step.dataContext(task), task.published() == null ? Map.of() : task.published());
            }
            return new TaskContext(data, new Remembered(ex, task, step.scope(task)));
        });
    }

    private <T> T read(Function<Handle, T> work) {
        return engine.jdbi.withHandle(h -> {
            h.setReadOnly(true);
            return h.inTransaction(tx -> work.apply(tx));
        });
    }

    private Step step(Handle h, Execution ex) {
        WorkflowDocument doc = engine.definitions.document(h, ex.sourceSha());
        WorkflowSpec spec = doc.workflows().get(ex.workflowName());
        return new Step(engine.stepContext(), h, ex, doc, spec, engine.clock.millis(), new Effects());
    }

    /**
     * The engine's scope of one task, answered after its transaction ended: what it holds of the execution is
     * taken at once, the tasks it reads are read through a new {@link Step} when asked, once per question.
     */
    private final class Remembered implements EvaluationScope {
        private final Execution ex;
        private final TaskExecution current;
        private final String currentTask;
        private final Map<String, Object> execution;
        private final Map<String, Object> env;
        private final Map<String, Object> hidden;
        private final Map<String, Object> globals = new HashMap<>();
        private final Map<String, Map<String, Object>> tasks = new HashMap<>();
        private final Map<List<Object>, List<Map<String, Object>>> lists = new HashMap<>();

        Remembered(Execution ex, TaskExecution current, EvaluationScope now) {
            this.ex = ex;
            this.current = current;
            this.currentTask = now.currentTask();
            this.execution = now.execution();
            this.env = now.env();
            this.hidden = now.hidden();
            if (ex.context() != null) for (String name : ex.context().keySet()) globals.put(name, now.global(name));
        }

        private <T> T ask(Function<EvaluationScope, T> question) {
            return read(h -> question.apply(step(h, ex).scope(current)));
        }

        @Override
        public Map<String, Object> task(String name) {
            if (!tasks.containsKey(name)) tasks.put(name, ask(s -> s.task(name)));
            return tasks.get(name);
        }

        @Override
        public String currentTask() {
            return currentTask;
        }

        @Override
        public Map<String, Object> execution() {
            return execution;
        }

        @Override
        public Map<String, Object> env() {
            return env;
        }

        @Override
        public List<Map<String, Object>> tasks(String executionId, boolean recursive, String state, boolean flat) {
            return lists.computeIfAbsent(Arrays.asList(executionId, recursive, state, flat), k -> ask(s -> s.tasks(executionId, recursive, state, flat)));
        }

        @Override
        public Map<String, Object> hidden() {
            return hidden;
        }

        @Override
        public Object global(String name) {
            return globals.get(name);
        }
    }
}
