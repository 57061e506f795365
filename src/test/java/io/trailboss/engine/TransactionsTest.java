package io.trailboss.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A transaction the database gave up (deadlock, lock timeout) runs again; any other error ends it at once. */
class TransactionsTest {
    private static RuntimeException failure(String sqlState) {
        return new IllegalStateException("the transaction failed", new SQLException("Deadlock detected", sqlState));
    }

    @Test
    void a_transaction_given_up_for_a_deadlock_runs_again_until_it_commits() {
        AtomicInteger runs = new AtomicInteger();
        String result = Transactions.retrying(() -> {
            if (runs.incrementAndGet() < 3) throw failure("40001");
            return "committed";
        });
        assertThat(result).isEqualTo("committed");
        assertThat(runs).hasValue(3);
    }

    @Test
    void other_errors_and_a_fifth_deadlock_end_the_transaction() {
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> Transactions.retrying(() -> {
            runs.incrementAndGet();
            throw failure("23505"); // a unique key: trying again cannot help
        })).hasRootCauseMessage("Deadlock detected");
        assertThat(runs).hasValue(1);

        AtomicInteger deadlocks = new AtomicInteger();
        assertThatThrownBy(() -> Transactions.retrying(() -> {
            deadlocks.incrementAndGet();
            throw failure("40P01");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(deadlocks).hasValue(5);
    }
}
