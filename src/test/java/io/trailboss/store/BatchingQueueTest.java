package io.trailboss.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.testing.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Queue then write in batches: bounded, flushable, closed with an account of what was not written. */
class BatchingQueueTest {
    /** A writer that records its batches and can be held inside a batch. */
    private static final class Recorder implements BatchingQueue.Writer<String> {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final String holdOn;

        Recorder(String holdOn) {
            this.holdOn = holdOn;
        }

        @Override
        public void write(List<String> batch) {
            Thread t = Thread.currentThread();
            threads.add(t.getName() + (t.isDaemon() ? " daemon" : ""));
            if (holdOn != null && batch.contains(holdOn)) {
                entered.countDown();
                await(release);
            }
            batches.add(List.copyOf(batch));
        }

        List<String> written() {
            List<String> all = new ArrayList<>();
            batches.forEach(all::addAll);
            return all;
        }
    }

    @Test
    void writes_what_arrived_during_a_write_as_one_batch_of_at_most_the_batch_size_in_order() throws Exception {
        Recorder writer = new Recorder("a0");
        BatchingQueue<String> q = new BatchingQueue<>("test-writer", 100, 4, writer);
        try {
            assertThat(q.offer("a0")).isTrue();
            writer.entered.await(10, TimeUnit.SECONDS);
            List<String> more = IntStream.range(1, 10).mapToObj(i -> "a" + i).toList();
            more.forEach(q::offer);
            writer.release.countDown();
            assertThat(q.flush(Duration.ofSeconds(10))).isTrue();

            assertThat(writer.batches).first().isEqualTo(List.of("a0"));
            assertThat(writer.batches.subList(1, writer.batches.size())).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(4));
            assertThat(writer.batches.get(1)).hasSize(4);
            assertThat(writer.written()).isEqualTo(IntStream.range(0, 10).mapToObj(i -> "a" + i).toList());
            assertThat(writer.threads).containsOnly("test-writer daemon");
        } finally {
            q.close(Duration.ZERO);
        }
    }

    @Test
    void refuses_an_item_when_full_and_takes_items_again_once_the_writer_caught_up() throws Exception {
        Recorder writer = new Recorder("first");
        BatchingQueue<String> q = new BatchingQueue<>("test-full", 2, 10, writer);
        try {
            q.offer("first");
            writer.entered.await(10, TimeUnit.SECONDS); // taken: the queue is empty, its writer busy
            assertThat(q.offer("second")).isTrue();
            assertThat(q.offer("third")).isTrue();
            assertThat(q.offer("fourth")).as("full").isFalse();
            assertThat(q.size()).isEqualTo(2);
            writer.release.countDown();
            assertThat(q.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(q.offer("fifth")).isTrue();
            assertThat(q.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(writer.written()).containsExactly("first", "second", "third", "fifth");
        } finally {
            q.close(Duration.ZERO);
        }
    }

    @Test
    void flush_waits_for_a_slower_earlier_batch_when_a_later_one_ended_first() throws Exception {
        Recorder writer = new Recorder("slow");
        BatchingQueue<String> q = new BatchingQueue<>("test-two", 100, 1, 2, Duration.ZERO, writer);
        try {
            q.offer("slow");
            writer.entered.await(10, TimeUnit.SECONDS);
            q.offer("fast");
            await(() -> writer.written().contains("fast"));

            assertThat(q.flush(Duration.ofMillis(300))).as("the slow batch is still being written").isFalse();
            writer.release.countDown();
            assertThat(q.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(writer.written()).containsExactly("fast", "slow");
            assertThat(writer.threads).containsExactlyInAnyOrder("test-two-0 daemon", "test-two-1 daemon");
        } finally {
            q.close(Duration.ZERO);
        }
    }

    @Test
    void a_failed_batch_counts_as_done_and_the_writer_goes_on() {
        AtomicBoolean failNext = new AtomicBoolean(true);
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        BatchingQueue<String> q = new BatchingQueue<>("test-failing", 100, 10, batch -> {
            if (failNext.getAndSet(false)) throw new IllegalStateException("the database is away");
            written.addAll(batch);
        });
        try {
            q.offer("lost");
            assertThat(q.flush(Duration.ofSeconds(10))).isTrue();
            q.offer("kept");
            assertThat(q.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(written).containsExactly("kept");
            assertThat(q.writersAlive()).isTrue();
        } finally {
            q.close(Duration.ZERO);
        }
    }

    @Test
    void close_writes_what_is_queued_then_refuses_new_items() {
        Recorder writer = new Recorder(null);
        BatchingQueue<String> q = new BatchingQueue<>("test-drain", 100, 3, writer);
        IntStream.range(0, 10).forEach(i -> q.offer("d" + i));

        assertThat(q.close(Duration.ofSeconds(10))).isEmpty();
        assertThat(writer.written()).hasSize(10);
        assertThat(q.offer("late")).isFalse();
        assertThat(q.isClosed()).isTrue();
        assertThat(q.writersAlive()).as("its writer ended").isFalse();
    }

    @Test
    void close_hands_back_what_it_could_not_write_in_time_oldest_first() throws Exception {
        Recorder writer = new Recorder("stuck");
        BatchingQueue<String> q = new BatchingQueue<>("test-stuck", 100, 10, writer);
        q.offer("stuck");
        writer.entered.await(10, TimeUnit.SECONDS);
        q.offer("x1");
        q.offer("x2");
        CountDownLatch flushed = new CountDownLatch(1);
        Thread.ofPlatform().start(() -> {
            if (q.flush(Duration.ofSeconds(30))) flushed.countDown();
        });

        List<String> left = q.close(Duration.ofMillis(200));
        assertThat(left).containsExactly("x1", "x2");
        writer.release.countDown();
        assertThat(flushed.await(10, TimeUnit.SECONDS)).as("a flush ends once everything is written or handed back").isTrue();
        assertThat(writer.written()).containsExactly("stuck");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void many_senders_share_commits_and_flush_sees_every_row_committed(String kind) throws Exception {
        try (Database db = kind.equals("h2") ? TestDatabases.h2() : Database.connect(TestDatabases.freshPostgresUrl(), null, null, 4)) {
            Jdbi jdbi = db.jdbi();
            jdbi.useHandle(h -> h.execute("create table probe_entry (id int primary key, sender varchar(20))"));
            TransactionRunner transactions = new TransactionRunner(jdbi);
            List<Integer> commits = new CopyOnWriteArrayList<>();
            BatchingQueue<Integer> q = new BatchingQueue<>("test-rows", 10_000, 100, 2, Duration.ofMillis(1), batch -> {
                transactions.useTransaction(h -> {
                    var insert = h.prepareBatch("insert into probe_entry (id, sender) values (:id, :sender)");
                    for (int id : batch) insert.bind("id", id).bind("sender", Thread.currentThread().getName()).add();
                    insert.execute();
                });
                commits.add(batch.size());
            });
            try {
                List<Thread> senders = new ArrayList<>();
                for (int s = 0; s < 8; s++) {
                    int base = s * 250;
                    senders.add(Thread.ofPlatform().start(() -> {
                        for (int i = 0; i < 250; i++) assertThat(q.offer(base + i)).isTrue();
                    }));
                }
                for (Thread t : senders) t.join(30_000);
                assertThat(q.flush(Duration.ofSeconds(30))).isTrue();

                long rows = jdbi.withHandle(h -> h.createQuery("select count(*) from probe_entry").mapTo(Long.class).one());
                assertThat(rows).isEqualTo(2000);
                assertThat(commits.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2000);
                assertThat(commits.size()).as("rows shared commits").isLessThan(2000);
            } finally {
                assertThat(q.close(Duration.ofSeconds(10))).isEmpty();
            }
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("waited 10 s in vain");
            Thread.sleep(5);
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
