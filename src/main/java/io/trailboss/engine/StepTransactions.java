package io.trailboss.engine;

import io.trailboss.definition.WorkflowDocument;
import io.trailboss.store.ExecutionStore;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * Transactions that work on executions: each locks the execution rows it changes (in id order,
 * never deadlocking), works through a {@link Step} per execution, and once committed hands what
 * it decided to the engine's follow-ups.
 */
final class StepTransactions {
    private final EngineTransactions transactions;
    private final Definitions definitions;
    private final ExecutionStore executions;
    private final Supplier<StepContext> context;
    private final Clock clock;
    private final Consumer<Effects> followUps;

    StepTransactions(EngineTransactions transactions, Definitions definitions, ExecutionStore executions, Supplier<StepContext> context,
            Clock clock, Consumer<Effects> followUps) {
        this.transactions = transactions;
        this.definitions = definitions;
        this.executions = executions;
        this.context = context;
        this.clock = clock;
        this.followUps = followUps;
    }

    <T> Effects.Result<T> run(Function<Handle, Effects.Result<T>> work) {
        return transactions.run(work, followUps);
    }

    /** Locks the execution's row and opens a step on it; empty if it does not exist. */
    Optional<Step> lock(Handle h, String executionId, Effects effects) {
        return executions.lock(h, executionId).map(ex -> {
            WorkflowDocument doc = definitions.document(h, ex.sourceSha());
            return new Step(context.get(), h, ex, doc, doc.workflow(ex.workflowName()), clock.millis(), effects);
        });
    }
}
