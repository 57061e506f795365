package io.trailboss.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.app.Trailboss;
import io.trailboss.store.Database;
import io.trailboss.testing.TestDatabases;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Resolved targets are kept in memory by each server node (every job needs its target's params and
 * secrets); a change through any node must be seen by the next job on every node.
 */
class TargetCacheTest {
    @Test
    void a_secret_changed_through_one_node_is_masked_at_once_by_another_node_sharing_the_database() {
        String url = TestDatabases.freshPostgresUrl();
        SecretBox box = SecretBox.ephemeral();
        try (Trailboss a = new Trailboss(Database.connect(url, null, null), Clock.systemUTC(), box);
             Trailboss b = new Trailboss(Database.connect(url, null, null), Clock.systemUTC(), box)) {
            a.targets().declare("password", null, false, null, true, "a secret");
            a.targets().create(new TargetSpec("machine", "db1", null, Map.of(), Map.of("password", "first-secret"), List.of(), null));
            assertThat(b.engine().secretsOf("db1")).containsExactly("first-secret");
            assertThat(b.engine().secretsOf("db1")).containsExactly("first-secret"); // kept: nothing changed

            a.targets().setParams("db1", Map.of("password", "second-secret"));
            assertThat(b.engine().secretsOf("db1")).containsExactly("second-secret");

            a.targets().declare("token", null, false, null, true, "another secret");
            a.targets().createProfile("vault", "shared secrets", Map.of("token", "profile-secret"));
            a.targets().update("db1", new TargetPatch(null, null, null, null, null, List.of("vault"), null));
            assertThat(b.engine().secretsOf("db1")).containsExactlyInAnyOrder("second-secret", "profile-secret");

            a.targets().update("db1", new TargetPatch(null, null, null, null, null, List.of(), null));
            a.targets().deleteProfile("vault");
            assertThat(b.engine().secretsOf("db1")).containsExactly("second-secret");
            try (Trailboss fresh = new Trailboss(Database.connect(url, null, null), Clock.systemUTC(), box)) {
                assertThat(b.engine().secretsOf("db1")).isEqualTo(fresh.engine().secretsOf("db1"));
            }
        }
    }

    @Test
    void a_param_changed_on_this_node_reaches_the_next_lookup_of_the_same_node() {
        try (Trailboss tb = new Trailboss(TestDatabases.h2(), Clock.systemUTC(), SecretBox.ephemeral())) {
            tb.targets().declare("key", null, false, null, true, null);
            tb.targets().create(new TargetSpec("machine", "web1", null, Map.of(), Map.of("key", "k1"), List.of(), null));
            assertThat(tb.engine().secretsOf("web1")).containsExactly("k1");
            tb.targets().setParams("web1", Map.of("key", "k2"));
            assertThat(tb.engine().secretsOf("web1")).containsExactly("k2");
            tb.targets().delete("web1");
            assertThat(tb.engine().secretsOf("web1")).isEmpty();
        }
    }
}
