package io.trailboss.engine;

import io.trailboss.model.Execution;
import io.trailboss.store.AgentInputStore;
import io.trailboss.store.ControlLogStore;
import io.trailboss.store.DirectiveStore;
import io.trailboss.store.ExecutionStore;
import io.trailboss.store.IdempotencyStore;
import io.trailboss.store.JobLogStore;
import io.trailboss.store.PromptStore;
import io.trailboss.store.TaskStore;
import io.trailboss.store.TimerStore;
import io.trailboss.store.TransactionRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * Deletes an execution with everything it owns (Mistral's execution-delete): its sub-workflow executions, and of
 * each its task executions, jobs, their logs, prompts and waiting stdin text, timers, task directives, control log
 * and idempotency keys, in one transaction. A finished execution only, unless forced: a forced delete of a live one
 * cancels it first (its running jobs are stopped as by a cancel, its sub-workflows cancelled), then deletes it.
 * What records the execution without belonging to it stays: the audit log, the run of an operation or trigger that
 * started it (which keeps its state and the execution's id), and Ansible recordings its jobs made.
 */
public final class ExecutionDeletion {
    private final Engine engine;
    private final TransactionRunner transactions;
    private final ExecutionStore executions = new ExecutionStore();
    private final TaskStore tasks = new TaskStore();
    private final JobLogStore logs = new JobLogStore();
    private final PromptStore prompts = new PromptStore();
    private final AgentInputStore stdin = new AgentInputStore();
    private final TimerStore timers = new TimerStore();
    private final DirectiveStore directives = new DirectiveStore();
    private final ControlLogStore controlLog = new ControlLogStore();
    private final IdempotencyStore idempotencyKeys = new IdempotencyStore();

    public ExecutionDeletion(Engine engine) {
        this.engine = engine;
        this.transactions = new TransactionRunner(engine.jdbi());
    }

    /** What was deleted: the execution and its sub-workflow executions (ids), and how many task executions and jobs. */
    public record Deleted(List<String> executions, int tasks, int jobs) {}

    /**
     * Deletes the execution and everything it owns. Refused (409, nothing changes) while it is not finished, unless
     * {@code force}; a forced delete of an execution that runs for an operation, stage or trigger run is refused too:
     * the run would wait for an end it never hears of. {@code actor}: who asked (for the cancel of a forced delete).
     */
    public Deleted delete(String executionId, boolean force, String actor) {
        Execution e = engine.jdbi().withHandle(h -> executions.find(h, executionId))
                .orElseThrow(() -> new NotFoundException("execution '" + executionId + "' does not exist"));
        if (!e.state().isFinal()) {
            if (!force) throw unfinished(e);
            if (e.bound().get("run") instanceof String run) {
                throw new ConflictException("execution " + e.id() + " is " + e.state() + " for run " + run
                        + " (an operation, stage or trigger run): cancel it, and delete it once it has ended");
            }
            stop(e, actor);
        }
        return transactions.inTransaction(h -> {
            List<String> tree = tree(h, executionId);
            // rows locked as the engine locks them: executions in id order, then their jobs
            for (String id : new TreeSet<>(tree)) {
                Execution locked = executions.lock(h, id).orElse(null);
                // live again (a rerun) since it was checked or cancelled: refused, nothing changes
                if (locked != null && !locked.state().isFinal()) throw unfinished(locked);
            }
            Execution root = executions.find(h, executionId).orElseThrow(() -> new NotFoundException("execution '" + executionId + "' does not exist"));
            io.trailboss.model.Job waiting = root.parentJobId() == null ? null
                    : engine.jobStore().find(h, root.parentJobId()).filter(parentJob -> !parentJob.state().isFinal()).orElse(null);
            if (!force && waiting != null) {
                // deleted now, the parent's task would fail for want of it instead of taking its result
                throw new ConflictException("execution " + root.id() + " is a sub-workflow whose parent execution " + waiting.executionId()
                        + " has not taken its result yet: try again in a moment");
            }
            int jobs = engine.jobStore().lockForExecutions(h, tree);
            logs.deleteForExecutions(h, tree);
            prompts.deleteForExecutions(h, tree);
            stdin.deleteForExecutions(h, tree);
            timers.deleteForExecutions(h, tree);
            directives.deleteForExecutions(h, tree);
            controlLog.deleteForExecutions(h, tree);
            idempotencyKeys.deleteForExecutions(h, tree);
            engine.jobStore().deleteForExecutions(h, tree);
            int taskCount = tasks.deleteForExecutions(h, tree);
            executions.deleteAll(h, tree);
            return new Deleted(List.copyOf(tree), taskCount, jobs);
        });
    }

    private static ConflictException unfinished(Execution e) {
        return new ConflictException("execution " + e.id() + " is " + e.state() + ": only a finished execution can be deleted (force the delete to cancel and delete it)");
    }

    /** The execution and its sub-workflow executions, at any depth, parents first. */
    private List<String> tree(Handle h, String executionId) {
        List<String> all = new ArrayList<>(List.of(executionId));
        List<String> level = List.of(executionId);
        while (!level.isEmpty()) {
            level = engine.jobStore().childExecutionsOf(h, level).stream().filter(id -> !all.contains(id)).toList();
            all.addAll(level);
        }
        return all;
    }

    /**
     * Cancels a live execution and then each of its sub-workflows that is still live (the engine cancels those
     * after its own commit, on other threads: here they are cancelled before the delete reads them), so that every
     * running job is stopped.
     */
    private void stop(Execution e, String actor) {
        cancel(e.id(), actor);
        for (String id : engine.jdbi().withHandle(h -> tree(h, e.id()))) {
            if (!id.equals(e.id())) cancel(id, actor);
        }
    }

    private void cancel(String id, String actor) {
        try {
            engine.cancel(id, actor);
        } catch (ConflictException alreadyFinished) {
            // ended meanwhile: nothing to stop
        } catch (NotFoundException gone) {
            // deleted meanwhile
        }
    }
}
