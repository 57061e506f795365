package io.trailboss.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.model.ParamDecl;
import io.trailboss.model.Profile;
import io.trailboss.target.SecretBox;
import io.trailboss.model.Target;
import io.trailboss.target.TargetException;
import io.trailboss.target.TargetPatch;
import io.trailboss.target.TargetSpec;
import io.trailboss.target.Targets;
import io.trailboss.testing.TestDatabases;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The target, profile and param stores, and the service over them, on H2 and on PostgreSQL. */
class TargetStoresTest {
    private static final long NOW = 1_700_000_000_000L;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void stores_round_trip_targets_labels_profiles_and_declarations(String kind) {
        try (Database db = TestDatabases.of(kind)) {
            TargetStore targets = new TargetStore();
            ProfileStore profiles = new ProfileStore();
            ParamStore params = new ParamStore();
            db.jdbi().useTransaction(h -> {
                profiles.insert(h, new Profile("web", "web servers", Map.of("port", 80), NOW, NOW));
                targets.insert(h, new Target("id-site", "site", "site1", null, Map.of("env", "prod"), Map.of("a", 1), List.of(), null, NOW, NOW));
                targets.insert(h, new Target("id-m1", "machine", "m1", "id-site", Map.of("env", "prod", "role", "web"),
                        Map.of("list", List.of(1, "two"), "obj", Map.of("k", true)), List.of("web"), "install", NOW, NOW));
                targets.insert(h, new Target("id-m2", "machine", "m2", null, Map.of("env", "dev", "role", "web"), Map.of(), List.of("web_"), null, NOW, NOW));
                params.insert(h, new ParamDecl("port", Map.of("type", "integer"), true, 80, false, "the port", NOW, NOW));
                params.insert(h, new ParamDecl("nodefault", null, false, null, true, null, NOW, NOW));
                params.insert(h, new ParamDecl("nulldefault", null, true, null, false, null, NOW, NOW));
            });
            db.jdbi().useHandle(h -> {
                Target m1 = targets.byIdOrName(h, "m1").orElseThrow();
                assertThat(m1.parentId()).isEqualTo("id-site");
                assertThat(m1.labels()).isEqualTo(Map.of("env", "prod", "role", "web"));
                assertThat(m1.params()).isEqualTo(Map.of("list", List.of(1, "two"), "obj", Map.of("k", true)));
                assertThat(m1.profiles()).containsExactly("web");
                assertThat(m1.stage()).isEqualTo("install");
                assertThat(targets.byIdOrName(h, "id-m1")).contains(m1);

                assertThat(targets.list(h, TargetStore.Filter.ALL, 10, 0)).extracting(Target::name).containsExactly("m1", "m2", "site1");
                assertThat(targets.list(h, new TargetStore.Filter("machine", Map.of("role", "web", "env", "prod"), null), 10, 0))
                        .extracting(Target::name).containsExactly("m1");
                assertThat(targets.count(h, new TargetStore.Filter(null, Map.of("role", "web"), null))).isEqualTo(2);
                assertThat(targets.list(h, new TargetStore.Filter(null, Map.of(), "id-site"), 10, 0)).extracting(Target::name).containsExactly("m1");
                assertThat(targets.list(h, TargetStore.Filter.ALL, 1, 1)).extracting(Target::name).containsExactly("m2");
                assertThat(targets.children(h, "id-site")).isEqualTo(1);
                assertThat(targets.usingProfile(h, "web")).containsExactly("m1"); // "web_" is not "web"
                assertThat(targets.lock(h, "id-m2")).isPresent();

                assertThat(profiles.byName(h, "global")).isPresent(); // created by the migration
                assertThat(profiles.list(h, 10, 0)).extracting(Profile::name).containsExactly("global", "web");
                assertThat(params.byName(h, "port").orElseThrow()).isEqualTo(new ParamDecl("port", Map.of("type", "integer"), true, 80, false, "the port", NOW, NOW));
                assertThat(params.byName(h, "nodefault").orElseThrow().hasDefault()).isFalse();
                assertThat(params.byName(h, "nulldefault").orElseThrow().hasDefault()).isTrue();
                assertThat(params.count(h)).isEqualTo(3);
            });
            db.jdbi().useTransaction(h -> {
                Target m1 = targets.byName(h, "m1").orElseThrow();
                targets.update(h, new Target(m1.id(), "server", "m1-renamed", null, Map.of("role", "db"), Map.of(), List.of(), null, m1.createdAt(), NOW + 1));
                assertThat(targets.delete(h, "id-m2")).isTrue();
                assertThat(params.delete(h, "nodefault")).isTrue();
                assertThat(profiles.delete(h, "web")).isTrue();
            });
            db.jdbi().useHandle(h -> {
                Target m1 = targets.byId(h, "id-m1").orElseThrow();
                assertThat(m1.name()).isEqualTo("m1-renamed");
                assertThat(m1.labels()).isEqualTo(Map.of("role", "db"));
                assertThat(m1.parentId()).isNull();
                assertThat(targets.count(h, new TargetStore.Filter(null, Map.of("env", "prod"), null))).isEqualTo(1);
                assertThat(targets.byName(h, "m2")).isEmpty();
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void the_service_resolves_params_seals_secrets_and_refuses_cycles(String kind) {
        try (Database db = TestDatabases.of(kind)) {
            Targets t = new Targets(db, Clock.systemUTC(), SecretBox.ephemeral());
            t.declare("pw", Map.of("type", "string"), false, null, true, null);
            t.declare("size", Map.of("type", "integer"), true, 1, false, null);
            t.updateProfile("global", null, Map.of("g", "global"));
            t.createProfile("p", null, Map.of("pw", "from-profile", "x", "p"));
            t.create(new TargetSpec("site", "s1", null, Map.of(), Map.of("x", "site"), List.of(), null));
            t.create(new TargetSpec("machine", "m1", "s1", Map.of("k", "v"), Map.of("pw", "hunter22"), List.of("p"), null));

            Map<String, Object> plain = t.plainParams("m1");
            assertThat(plain).containsEntry("pw", "hunter22").containsEntry("x", "p").containsEntry("g", "global").containsEntry("size", 1);
            assertThat(t.effective("m1").get("x").source()).isEqualTo("profile:p");
            assertThat(t.effective("s1").get("x").source()).isEqualTo("target:s1");
            assertThat(t.effective("s1").get("pw")).isNull();
            String raw = db.jdbi().withHandle(h -> h.createQuery("select params from target where name = 'm1'").mapTo(String.class).one());
            assertThat(raw).doesNotContain("hunter22").contains(SecretBox.MARKER);
            assertThat(t.masked(t.get("m1").params())).containsEntry("pw", Targets.MASK);

            Assertions.assertThatThrownBy(() -> t.update("s1", new TargetPatch(null, null, Optional.of("m1"), null, null, null, null)))
                    .isInstanceOf(TargetException.class).hasMessageContaining("cycle");
            Assertions.assertThatThrownBy(() -> t.setParams("m1", Map.of("size", "big")))
                    .isInstanceOf(TargetException.class).extracting(e -> ((TargetException) e).field()).isEqualTo("params.size");
            assertThat(t.get("s1").parentId()).isNull();
            assertThat(t.effective("m1").get("size").source()).isEqualTo("default");
        }
    }
}
