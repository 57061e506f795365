package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Targets, profiles and params over real HTTP on a real (H2) database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TargetApiTest {
    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private TestServer.Answer send(String method, String path, Object body) {
        return server.send(method, path, body == null ? null : "application/json", body == null ? null : Json.write(body));
    }

    private Map<String, Object> ok(TestServer.Answer a, int status) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        return a.body().isEmpty() ? Map.of() : a.map();
    }

    private void problem(TestServer.Answer a, int status, String field, String detailPart) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        if (field != null) assertThat(a.map().get("field")).as(a.body()).isEqualTo(field);
        assertThat((String) a.map().get("detail")).contains(detailPart);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> effective(String target) {
        return (Map<String, Object>) ok(server.get("/api/v1/targets/" + target + "/params"), 200).get("params");
    }

    @Test
    void creates_reads_updates_lists_and_deletes_targets() {
        ok(send("POST", "/api/v1/targets", Map.of("kind", "site", "name", "crud-site", "labels", Map.of("env", "prod"))), 201);
        Map<String, Object> created = ok(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "crud-m1", "parent", "crud-site",
                "labels", Map.of("env", "prod", "role", "web"), "params", Map.of("port", 8080), "stage", "discover")), 201);
        assertThat(created).containsEntry("kind", "machine").containsEntry("parent", "crud-site").containsEntry("stage", "discover")
                .containsEntry("labels", Map.of("env", "prod", "role", "web")).containsEntry("params", Map.of("port", 8080));
        ok(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "crud-m2", "labels", Map.of("env", "dev", "role", "web"))), 201);

        // by id as well as by name
        assertThat(ok(server.get("/api/v1/targets/" + created.get("id")), 200)).containsEntry("name", "crud-m1");

        Map<String, Object> page = ok(server.get("/api/v1/targets?kind=machine&label=role=web&limit=1"), 200);
        assertThat(page).containsEntry("total", 2).containsEntry("limit", 1).containsEntry("offset", 0);
        assertThat(names(page)).containsExactly("crud-m1");
        assertThat(names(ok(server.get("/api/v1/targets?label=role=web&label=env=dev"), 200))).containsExactly("crud-m2");
        assertThat(names(ok(server.get("/api/v1/targets?parent=crud-site"), 200))).containsExactly("crud-m1");

        Map<String, Object> patch = new java.util.HashMap<>();
        patch.put("parent", null);
        patch.put("stage", "installed");
        patch.put("labels", Map.of("role", "db"));
        patch.put("name", "crud-m1b");
        Map<String, Object> updated = ok(send("PATCH", "/api/v1/targets/crud-m1", patch), 200);
        assertThat(updated).containsEntry("name", "crud-m1b").containsEntry("stage", "installed").containsEntry("labels", Map.of("role", "db"));
        assertThat(updated.get("parent")).isNull();
        assertThat(updated.get("id")).isEqualTo(created.get("id"));

        problem(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "crud-m2")), 409, "name", "already exists");
        problem(send("DELETE", "/api/v1/targets/nope", null), 404, null, "does not exist");
        ok(send("DELETE", "/api/v1/targets/crud-m1b", null), 204);
        problem(server.get("/api/v1/targets/crud-m1b"), 404, null, "does not exist");
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("items")).stream().map(t -> (String) t.get("name")).toList();
    }

    @Test
    void effective_params_resolve_target_then_profiles_then_parents_then_global_then_default_with_sources() {
        ok(send("POST", "/api/v1/params", Map.of("name", "res_default", "default", "from-default")), 201);
        ok(send("POST", "/api/v1/params", Map.of("name", "res_all", "default", "d")), 201);
        ok(send("PATCH", "/api/v1/profiles/global", Map.of("params", Map.of("res_global", "g", "res_all", "g", "res_grand", "g"))), 200);
        ok(send("POST", "/api/v1/profiles", Map.of("name", "res-db", "params", Map.of("res_all", "db", "res_db", "db", "res_site", "db"))), 201);
        ok(send("POST", "/api/v1/profiles", Map.of("name", "res-web", "params", Map.of("res_all", "web", "res_db", "web", "res_web", "web"))), 201);
        ok(send("POST", "/api/v1/profiles", Map.of("name", "res-site", "params", Map.of("res_site_profile", "sp", "res_grand", "sp"))), 201);
        ok(send("POST", "/api/v1/targets", Map.of("kind", "region", "name", "res-region", "params", Map.of("res_grand", "region", "res_region", "region"))), 201);
        ok(send("POST", "/api/v1/targets", Map.of("kind", "site", "name", "res-site1", "parent", "res-region", "profiles", List.of("res-site"),
                "params", Map.of("res_site", "site", "res_web", "site"))), 201);
        ok(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "res-web1", "parent", "res-site1",
                "profiles", List.of("res-db", "res-web"), "params", Map.of("res_all", "own"))), 201);

        Map<String, Object> params = effective("res-web1");
        assertThat(params.get("res_all")).isEqualTo(Map.of("value", "own", "source", "target:res-web1"));
        assertThat(params.get("res_db")).isEqualTo(Map.of("value", "db", "source", "profile:res-db")); // first profile wins
        assertThat(params.get("res_web")).isEqualTo(Map.of("value", "web", "source", "profile:res-web")); // own profiles before the parent
        assertThat(params.get("res_site")).isEqualTo(Map.of("value", "db", "source", "profile:res-db"));
        assertThat(params.get("res_site_profile")).isEqualTo(Map.of("value", "sp", "source", "profile:res-site")); // parent's profile
        assertThat(params.get("res_grand")).isEqualTo(Map.of("value", "sp", "source", "profile:res-site")); // parent's profile before grandparent
        assertThat(params.get("res_region")).isEqualTo(Map.of("value", "region", "source", "parent:res-region"));
        assertThat(params.get("res_global")).isEqualTo(Map.of("value", "g", "source", "profile:global"));
        assertThat(params.get("res_default")).isEqualTo(Map.of("value", "from-default", "source", "default"));

        Map<String, Object> site = effective("res-site1");
        assertThat(site.get("res_web")).isEqualTo(Map.of("value", "site", "source", "target:res-site1"));
        assertThat(site.get("res_all")).isEqualTo(Map.of("value", "g", "source", "profile:global"));

        // unsetting the target's own value reveals the next source
        ok(send("DELETE", "/api/v1/targets/res-web1/params/res_all", null), 200);
        assertThat(effective("res-web1").get("res_all")).isEqualTo(Map.of("value", "db", "source", "profile:res-db"));
        // a profile in use cannot be deleted; the global one never
        problem(send("DELETE", "/api/v1/profiles/res-db", null), 409, null, "res-web1");
        problem(send("DELETE", "/api/v1/profiles/global", null), 409, null, "global");
        problem(send("PATCH", "/api/v1/targets/res-web1", Map.of("profiles", List.of("global"))), 400, "profiles", "global");
        problem(send("PATCH", "/api/v1/targets/res-web1", Map.of("profiles", List.of("no-such"))), 400, "profiles", "no-such");
    }

    @Test
    void a_value_that_fails_its_schema_is_refused_naming_the_field_and_changes_nothing() {
        ok(send("POST", "/api/v1/params", Map.of("name", "sch_port", "schema", Map.of("type", "integer", "minimum", 1, "maximum", 65535))), 201);
        ok(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "sch-m1", "params", Map.of("sch_port", 22, "other", "x"))), 201);

        // one bad value among good ones: nothing of the request is applied
        problem(send("PATCH", "/api/v1/targets/sch-m1/params", Map.of("other", "changed", "sch_port", "ssh")), 400, "params.sch_port", "sch_port");
        problem(send("PATCH", "/api/v1/targets/sch-m1", Map.of("stage", "x", "params", Map.of("sch_port", 70000))), 400, "params.sch_port", "sch_port");
        problem(send("PUT", "/api/v1/targets/sch-m1/params/sch_port", 0), 400, "params.sch_port", "sch_port");
        Map<String, Object> t = ok(server.get("/api/v1/targets/sch-m1"), 200);
        assertThat(t.get("params")).isEqualTo(Map.of("sch_port", 22, "other", "x"));
        assertThat(t.get("stage")).isNull();

        problem(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "sch-m2", "params", Map.of("sch_port", -1))), 400, "params.sch_port", "sch_port");
        problem(server.get("/api/v1/targets/sch-m2"), 404, null, "does not exist");
        problem(send("POST", "/api/v1/profiles", Map.of("name", "sch-p", "params", Map.of("sch_port", "x"))), 400, "params.sch_port", "sch_port");
        problem(server.get("/api/v1/profiles/sch-p"), 404, null, "does not exist");

        // a new schema that an existing value fails is refused, and the old declaration stays
        problem(send("PUT", "/api/v1/params/sch_port", Map.of("schema", Map.of("type", "string"))), 400, "schema", "sch-m1");
        assertThat(ok(server.get("/api/v1/params/sch_port"), 200).get("schema")).isEqualTo(Map.of("type", "integer", "minimum", 1, "maximum", 65535));
        problem(send("POST", "/api/v1/params", Map.of("name", "sch_bad_default", "schema", Map.of("type", "boolean"), "default", "yes")), 400, "default", "default");
        problem(send("POST", "/api/v1/params", Map.of("name", "sch_bad", "schema", Map.of("type", "no-such-type"))), 400, "schema", "schema");
        problem(send("POST", "/api/v1/params", Map.of("name", "sch_remote", "schema", Map.of("$ref", "http://127.0.0.1:9/schema.json"))), 400, "schema", "schema");
        problem(server.get("/api/v1/params/sch_bad_default"), 404, null, "not declared");

        ok(send("PUT", "/api/v1/targets/sch-m1/params/sch_port", 2222), 200);
        assertThat(effective("sch-m1").get("sch_port")).isEqualTo(Map.of("value", 2222, "source", "target:sch-m1"));
    }

    @Test
    void a_parent_cycle_or_an_unknown_parent_is_refused_and_changes_nothing() {
        ok(send("POST", "/api/v1/targets", Map.of("kind", "site", "name", "cyc-a")), 201);
        ok(send("POST", "/api/v1/targets", Map.of("kind", "server", "name", "cyc-b", "parent", "cyc-a")), 201);
        ok(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "cyc-c", "parent", "cyc-b")), 201);

        problem(send("PATCH", "/api/v1/targets/cyc-a", Map.of("parent", "cyc-c", "stage", "moved")), 400, "parent", "cycle");
        problem(send("PATCH", "/api/v1/targets/cyc-a", Map.of("parent", "cyc-a")), 400, "parent", "cycle");
        problem(send("PATCH", "/api/v1/targets/cyc-a", Map.of("parent", "nowhere")), 400, "parent", "nowhere");
        problem(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "cyc-d", "parent", "nowhere")), 400, "parent", "nowhere");
        problem(server.get("/api/v1/targets/cyc-d"), 404, null, "does not exist");
        Map<String, Object> a = ok(server.get("/api/v1/targets/cyc-a"), 200);
        assertThat(a.get("parent")).isNull();
        assertThat(a.get("stage")).isNull();
        // a parent with children cannot be deleted
        problem(send("DELETE", "/api/v1/targets/cyc-b", null), 409, null, "parent of 1");
    }

    @Test
    void unknown_fields_and_wrong_types_are_refused_naming_the_field() {
        problem(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "bad1", "colour", "red")), 400, "colour", "unknown field");
        problem(send("POST", "/api/v1/targets", Map.of("kind", 3, "name", "bad1")), 400, "kind", "string");
        problem(send("POST", "/api/v1/targets", Map.of("name", "bad1")), 400, "kind", "required");
        problem(send("POST", "/api/v1/targets", Map.of("kind", "two words", "name", "bad1")), 400, "kind", "word");
        problem(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "bad1", "labels", Map.of("a", 1))), 400, "labels.a", "string");
        problem(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "bad1", "profiles", "p")), 400, "profiles", "list");
        problem(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "bad1", "params", List.of(1))), 400, "params", "object");
        problem(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "bad 1")), 400, "name", "name");
        problem(send("POST", "/api/v1/params", Map.of("name", "bad_p", "secret", "yes")), 400, "secret", "true or false");
        problem(send("POST", "/api/v1/profiles", Map.of("name", "bad-p", "extra", 1)), 400, "extra", "unknown field");
        problem(server.get("/api/v1/targets?label=novalue"), 400, "label", "name=value");
        assertThat(server.get("/api/v1/targets?kind=bad1").map().get("total")).isEqualTo(0);
        problem(server.get("/api/v1/targets/nope/params"), 404, null, "nope");
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_secret_param_never_appears_in_any_answer_and_is_encrypted_in_the_database() {
        String secret = "s3cr3t-Pa55w0rd-value";
        ok(send("POST", "/api/v1/params", Map.of("name", "sec_password", "secret", true, "schema", Map.of("type", "string", "minLength", 8),
                "default", "default-" + secret, "description", "db password")), 201);
        ok(send("POST", "/api/v1/profiles", Map.of("name", "sec-prof", "params", Map.of("sec_password", "prof-" + secret))), 201);
        ok(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "sec-m1", "profiles", List.of("sec-prof"),
                "params", Map.of("sec_password", secret, "plain", "visible"))), 201);
        ok(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "sec-m2")), 201);
        // a plain value declared secret later is sealed then
        ok(send("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "sec-m3", "params", Map.of("sec_token", "tok-" + secret))), 201);
        ok(send("POST", "/api/v1/params", Map.of("name", "sec_token", "secret", true)), 201);
        // a failing secret names the param but not the value
        TestServer.Answer tooShort = send("PATCH", "/api/v1/targets/sec-m1/params", Map.of("sec_password", "short"));
        problem(tooShort, 400, "params.sec_password", "sec_password");

        List<TestServer.Answer> answers = List.of(
                server.get("/api/v1/targets/sec-m1"), server.get("/api/v1/targets/sec-m3"), server.get("/api/v1/targets"),
                server.get("/api/v1/targets/sec-m1/params"), server.get("/api/v1/targets/sec-m2/params"), server.get("/api/v1/targets/sec-m3/params"),
                server.get("/api/v1/profiles"), server.get("/api/v1/profiles/sec-prof"), server.get("/api/v1/params"),
                server.get("/api/v1/params/sec_password"), send("PATCH", "/api/v1/targets/sec-m1", Map.of("stage", "s")),
                send("PATCH", "/api/v1/targets/sec-m2/params", Map.of("sec_password", "another-" + secret)), tooShort);
        for (TestServer.Answer a : answers) {
            assertThat(a.body()).doesNotContain(secret).doesNotContain("$encrypted");
        }
        assertThat((Map<String, Object>) effective("sec-m1").get("sec_password")).containsEntry("value", "********").containsEntry("source", "target:sec-m1").containsEntry("secret", true);
        assertThat((Map<String, Object>) ok(server.get("/api/v1/targets/sec-m1"), 200).get("params")).containsEntry("sec_password", "********").containsEntry("plain", "visible");
        assertThat(ok(server.get("/api/v1/params/sec_password"), 200)).containsEntry("default", "********");

        // at rest: only ciphertext, in the targets, profiles and declarations
        String raw = server.tb.database().jdbi().withHandle(h -> String.join("\n",
                h.createQuery("select params from target").mapTo(String.class).list()) + "\n"
                + String.join("\n", h.createQuery("select params from profile").mapTo(String.class).list()) + "\n"
                + String.join("\n", h.createQuery("select coalesce(default_value, '') from param").mapTo(String.class).list()));
        assertThat(raw).doesNotContain(secret).contains("$encrypted").contains("visible");
        String m1 = server.tb.database().jdbi().withHandle(h -> h.createQuery("select params from target where name = 'sec-m1'").mapTo(String.class).one());
        assertThat((Map<String, Object>) Json.readMap(m1).get("sec_password")).containsKey("$encrypted");

        // the domain hands jobs the plain values
        assertThat(server.tb.targets().plainParams("sec-m1")).containsEntry("sec_password", secret).containsEntry("plain", "visible");
        assertThat(server.tb.targets().plainParams("sec-m2")).containsEntry("sec_password", "another-" + secret);
        assertThat(server.tb.targets().plainParams("sec-m3")).containsEntry("sec_token", "tok-" + secret);

        // no longer secret: values are opened again and shown
        ok(send("PUT", "/api/v1/params/sec_token", Map.of("secret", false)), 200);
        assertThat(effective("sec-m3").get("sec_token")).isEqualTo(Map.of("value", "tok-" + secret, "source", "target:sec-m3"));
    }
}
