package io.trailboss.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trailboss.testing.TestDatabases;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A transaction the database gave up for a reason that passes (deadlock, serialization failure, lock
 * timeout) runs again, a bounded number of times; any other error ends it at once. The failures are
 * provoked on real H2 and PostgreSQL with two connections.
 */
class TransactionRunnerTest {
    /** Threads of their own: the common pool may have one thread on a small machine, and the transactions must overlap. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().unstarted(r));

    private static Database open(String kind) {
        return kind.equals("h2") ? TestDatabases.h2() : Database.connect(TestDatabases.freshPostgresUrl(), null, null, 4);
    }

    private static void createAccounts(Jdbi jdbi) {
        jdbi.useHandle(h -> {
            h.execute("create table probe_account (id int primary key, balance int not null)");
            h.execute("insert into probe_account values (1, 100), (2, 100)");
        });
    }

    private static int balance(Jdbi jdbi, int id) {
        return jdbi.withHandle(h -> h.createQuery("select balance from probe_account where id = :id").bind("id", id).mapTo(Integer.class).one());
    }

    private static void add(Handle h, int id, int amount) {
        h.createUpdate("update probe_account set balance = balance + :amount where id = :id").bind("amount", amount).bind("id", id).execute();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void retries_a_deadlocked_transaction_then_succeeds(String kind) throws Exception {
        try (Database db = open(kind)) {
            Jdbi jdbi = db.jdbi();
            createAccounts(jdbi);
            TransactionRunner runner = new TransactionRunner(jdbi);
            CyclicBarrier bothHoldOneRow = new CyclicBarrier(2);
            AtomicInteger runs = new AtomicInteger();
            // two transfers that lock the two rows in opposite orders: the database kills one of them
            Runnable oneToTwo = () -> runner.useTransaction(h -> {
                int run = runs.incrementAndGet();
                add(h, 1, -10);
                if (run <= 2) await(bothHoldOneRow);
                add(h, 2, 10);
            });
            Runnable twoToOne = () -> runner.useTransaction(h -> {
                int run = runs.incrementAndGet();
                add(h, 2, -1);
                if (run <= 2) await(bothHoldOneRow);
                add(h, 1, 1);
            });
            CompletableFuture<Void> a = CompletableFuture.runAsync(oneToTwo, THREADS);
            CompletableFuture<Void> b = CompletableFuture.runAsync(twoToOne, THREADS);
            CompletableFuture.allOf(a, b).get(60, TimeUnit.SECONDS);

            // one of the two ran again; on a loaded machine its rerun can take its first row before the survivor
            // takes it, deadlock once more and run a third time: what counts is that both end, each once
            assertThat(runs.get()).as("one of the two ran again").isBetween(3, 5);
            assertThat(balance(jdbi, 1)).isEqualTo(91);
            assertThat(balance(jdbi, 2)).isEqualTo(109);
        }
    }

    @Test
    void retries_a_serialization_failure_on_postgresql_then_succeeds() throws Exception {
        try (Database db = open("postgres")) {
            Jdbi jdbi = db.jdbi();
            createAccounts(jdbi);
            TransactionRunner runner = new TransactionRunner(jdbi);
            CountDownLatch snapshotTaken = new CountDownLatch(1);
            CountDownLatch otherCommitted = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                await(snapshotTaken);
                jdbi.useTransaction(h -> add(h, 1, 5));
                otherCommitted.countDown();
            }, THREADS);
            runner.retrying(() -> jdbi.inTransaction(TransactionIsolationLevel.SERIALIZABLE, h -> {
                int balance = h.createQuery("select balance from probe_account where id = 1").mapTo(Integer.class).one();
                if (runs.incrementAndGet() == 1) {
                    snapshotTaken.countDown();
                    await(otherCommitted); // the row changed after this transaction's snapshot: its update cannot serialize
                }
                h.createUpdate("update probe_account set balance = :b where id = 1").bind("b", balance * 2).execute();
                return null;
            }));
            other.get(10, TimeUnit.SECONDS);

            assertThat(runs).hasValue(2);
            assertThat(balance(jdbi, 1)).as("the second run doubled the committed balance").isEqualTo(210);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void retries_a_lock_timeout_until_the_holder_commits(String kind) throws Exception {
        try (Database db = open(kind)) {
            Jdbi jdbi = db.jdbi();
            createAccounts(jdbi);
            TransactionRunner runner = new TransactionRunner(jdbi);
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch released = new CountDownLatch(1);
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> jdbi.useTransaction(h -> {
                add(h, 1, 1);
                held.countDown();
                await(release);
            }), THREADS).whenComplete((v, e) -> released.countDown());
            held.await(10, TimeUnit.SECONDS);
            AtomicInteger runs = new AtomicInteger();
            runner.useTransaction(h -> {
                if (runs.incrementAndGet() == 2) {
                    release.countDown();
                    await(released);
                }
                shortLockTimeout(h, kind);
                add(h, 1, 10);
            });
            holder.get(10, TimeUnit.SECONDS);

            assertThat(runs).hasValue(2);
            assertThat(balance(jdbi, 1)).isEqualTo(111);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void gives_up_after_its_attempts_when_the_lock_stays_taken(String kind) throws Exception {
        try (Database db = open(kind)) {
            Jdbi jdbi = db.jdbi();
            createAccounts(jdbi);
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> jdbi.useTransaction(h -> {
                add(h, 1, 1);
                held.countDown();
                await(release);
            }), THREADS);
            try {
                held.await(10, TimeUnit.SECONDS);
                AtomicInteger runs = new AtomicInteger();
                TransactionRunner runner = new TransactionRunner(jdbi).attempts(3);
                assertThatThrownBy(() -> runner.useTransaction(h -> {
                    runs.incrementAndGet();
                    shortLockTimeout(h, kind);
                    add(h, 1, 10);
                })).satisfies(e -> assertThat(TransactionRunner.passes(e)).isTrue());
                assertThat(runs).hasValue(3);
            } finally {
                release.countDown();
                holder.get(10, TimeUnit.SECONDS);
            }
            assertThat(balance(jdbi, 1)).isEqualTo(101);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void does_not_retry_a_unique_key_violation(String kind) {
        try (Database db = open(kind)) {
            Jdbi jdbi = db.jdbi();
            createAccounts(jdbi);
            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> new TransactionRunner(jdbi).useTransaction(h -> {
                runs.incrementAndGet();
                h.execute("insert into probe_account values (1, 0)");
            })).satisfies(e -> assertThat(TransactionRunner.passes(e)).isFalse());
            assertThat(runs).hasValue(1);
        }
    }

    @Test
    void a_transaction_that_keeps_deadlocking_ends_after_five_runs_and_other_errors_at_once() {
        TransactionRunner runner = new TransactionRunner(null);
        AtomicInteger deadlocks = new AtomicInteger();
        assertThatThrownBy(() -> runner.retrying(() -> {
            deadlocks.incrementAndGet();
            throw failure("40P01");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(deadlocks).hasValue(5);

        AtomicInteger unique = new AtomicInteger();
        assertThatThrownBy(() -> runner.retrying(() -> {
            unique.incrementAndGet();
            throw failure("23505"); // a unique key: trying again cannot help
        })).hasRootCauseMessage("the database gave up");
        assertThat(unique).hasValue(1);
    }

    @Test
    void a_runner_for_every_error_tries_again_whatever_failed() {
        AtomicInteger runs = new AtomicInteger();
        String result = new TransactionRunner(null).onEveryError().firstPause(Duration.ZERO).retrying(() -> {
            if (runs.incrementAndGet() < 3) throw new IllegalStateException("connection refused");
            return "committed";
        });
        assertThat(result).isEqualTo("committed");
        assertThat(runs).hasValue(3);
    }

    @Test
    void knows_the_states_of_deadlocks_serialization_failures_and_lock_timeouts_of_both_databases() {
        for (String state : List.of("40001", "40P01", "55P03", "HYT00")) assertThat(TransactionRunner.passes(failure(state))).as(state).isTrue();
        assertThat(TransactionRunner.passes(new RuntimeException(new SQLException("Timeout trying to lock table", "HYT00", 50200)))).isTrue();
        for (String state : List.of("23505", "23503", "08006", "42P01")) assertThat(TransactionRunner.passes(failure(state))).as(state).isFalse();
        assertThat(TransactionRunner.passes(new IllegalStateException("no SQL here"))).isFalse();
    }

    @Test
    void pauses_grow_with_each_run_and_are_spread_around_the_doubled_pause() {
        TransactionRunner runner = new TransactionRunner(null);
        for (int i = 0; i < 200; i++) {
            assertThat(runner.pause(1)).isBetween(2L, 8L);
            assertThat(runner.pause(4)).isBetween(20L, 60L);
        }
    }

    private static RuntimeException failure(String sqlState) {
        return new IllegalStateException("the transaction failed", new SQLException("the database gave up", sqlState));
    }

    private static void shortLockTimeout(Handle h, String kind) {
        if (kind.equals("h2")) h.execute("set lock_timeout 100");
        else h.execute("set local lock_timeout = '100ms'");
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("waited 30 s in vain");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
