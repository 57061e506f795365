package io.trailboss.engine;

import io.trailboss.store.TransactionRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's transactions: retried on deadlocks and lock timeouts, other nodes told of the
 * changes inside the transaction (so they hear at commit, in commit order), and this node's
 * listeners told after commit in the order the changes to each execution were committed.
 */
final class EngineTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(EngineTransactions.class);

    private final Jdbi jdbi;
    private final TransactionRunner retrying;
    private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, OrderLock> listenerOrder = new ConcurrentHashMap<>();
    private volatile NodeSignals signals = NodeSignals.NONE;

    EngineTransactions(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.retrying = new TransactionRunner(jdbi);
    }

    void addListener(EngineListener listener) {
        listeners.add(listener);
    }

    void signals(NodeSignals signals) {
        this.signals = signals;
    }

    /** The same retrying runner, for the engine's own transactions that change no execution. */
    TransactionRunner retrying() {
        return retrying;
    }

    /**
     * Runs {@code work} in a transaction (again when the database gave it up for a deadlock or lock
     * timeout); once committed, tells the listeners, then hands the effects to {@code followUps}.
     */
    <T> Effects.Result<T> run(Function<Handle, Effects.Result<T>> work, Consumer<Effects> followUps) {
        return retrying.retrying(() -> {
            List<Runnable> ordered = new ArrayList<>();
            try {
                Effects.Result<T> result = jdbi.inTransaction(h -> {
                    Effects.Result<T> r = work.apply(h);
                    NodeSignals s = signals;
                    if (s != NodeSignals.NONE) tellOtherNodes(h, s, r.effects());
                    lockListenerOrder(r.effects(), ordered);
                    return r;
                });
                tell(result.effects(), ordered);
                followUps.accept(result.effects());
                return result;
            } catch (RuntimeException e) {
                ordered.forEach(Runnable::run); // rolled back: the listener locks it took go
                throw e;
            }
        });
    }

    /** Inside the transaction, so that other nodes hear of it at commit, in commit order. */
    private static void tellOtherNodes(Handle h, NodeSignals s, Effects effects) {
        if (effects.executions.isEmpty() && effects.tasks.isEmpty() && effects.controls.isEmpty()) return;
        List<String> taskIds = new ArrayList<>(effects.tasks.keySet());
        s.changed(h, List.copyOf(effects.executions.keySet()), taskIds, effects.controls);
    }

    /**
     * Listeners must hear of the changes to one execution in the order they were committed. Each
     * transaction that changed executions takes an in-process lock per execution (in id order, so
     * never deadlocking) as its last step, while it still holds their rows, and releases them once
     * it has told the listeners, after commit. The next transaction on the same execution, which
     * could only lock the row after that commit, therefore tells its listeners after this one.
     */
    private void lockListenerOrder(Effects effects, List<Runnable> ordered) {
        if (listeners.isEmpty()) return;
        TreeSet<String> ids = new TreeSet<>(effects.executions.keySet());
        effects.tasks.values().forEach(t -> ids.add(t.executionId()));
        effects.controls.forEach(c -> ids.add(c.get(0)));
        for (String id : ids) {
            OrderLock l = listenerOrder.compute(id, (k, v) -> {
                OrderLock held = v == null ? new OrderLock() : v;
                held.users++;
                return held;
            });
            l.lock.lock();
            ordered.add(() -> {
                l.lock.unlock();
                listenerOrder.computeIfPresent(id, (k, v) -> --v.users == 0 ? null : v);
            });
        }
    }

    /** An execution's listener-order lock and how many transactions use it (guarded by the map's compute). */
    private static final class OrderLock {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    /** Listeners first: what the transaction sets going (jobs, timers) cannot be told before it. */
    private void tell(Effects effects, List<Runnable> ordered) {
        try {
            for (EngineListener l : listeners) {
                effects.controls.forEach(c -> l.controlled(c.get(0), c.get(1), c.get(2).isEmpty() ? null : c.get(2)));
                effects.tasks.values().forEach(l::taskChanged);
                effects.executions.values().forEach(l::executionChanged);
            }
        } catch (RuntimeException e) {
            LOG.error("an engine listener failed", e);
        } finally {
            ordered.forEach(Runnable::run);
            ordered.clear();
        }
    }
}
