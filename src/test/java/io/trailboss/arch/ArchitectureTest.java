package io.trailboss.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/** Package boundaries: the domain knows nothing of HTTP, the CLI or the UI; SQL lives in the store classes. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(location -> !location.contains("/test-classes/"))
            .importPackages("io.trailboss");

    @Test
    void domain_packages_do_not_depend_on_http_cli_or_app_wiring() {
        noClasses().that().resideInAnyPackage("io.trailboss.model..", "io.trailboss.definition..", "io.trailboss.expr..",
                        "io.trailboss.engine..", "io.trailboss.store..", "io.trailboss.action..", "io.trailboss.cluster..", "io.trailboss.auth..")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "jakarta.servlet..", "org.eclipse.jetty..",
                        "io.trailboss.api..", "io.trailboss.cli..", "io.trailboss.app..", "picocli..")
                .check(CLASSES);
    }

    @Test
    void only_the_http_layer_knows_the_web_ui() {
        // the UI calls the domain; nothing below the HTTP layer may call the UI (its templates, handlers, view models)
        noClasses().that().resideOutsideOfPackages("io.trailboss.ui..", "io.trailboss.api..", "gg.jte.generated..")
                .should().dependOnClassesThat().resideInAnyPackage("io.trailboss.ui..", "gg.jte..")
                .check(CLASSES);
    }

    @Test
    void the_model_depends_on_nothing_else_of_trailboss() {
        noClasses().that().resideInAPackage("io.trailboss.model..")
                .should().dependOnClassesThat().resideInAnyPackage("io.trailboss.engine..", "io.trailboss.store..", "io.trailboss.definition..")
                .check(CLASSES);
    }

    @Test
    void the_store_does_not_know_the_engine() {
        noClasses().that().resideInAPackage("io.trailboss.store..")
                .should().dependOnClassesThat().resideInAnyPackage("io.trailboss.engine..")
                .check(CLASSES);
    }

    /**
     * Classes outside the stores that still hold SQL of their own, each owning its tables alone. No other
     * class may add any: a new statement goes into the store class that owns its table.
     */
    private static final Set<String> SQL_OUTSIDE_STORES = Set.of(
            "io.trailboss.auth.Users",              // app_user
            "io.trailboss.auth.ApiTokens",          // api_token
            "io.trailboss.auth.Sessions",           // user_session
            "io.trailboss.auth.AuditLog",           // audit_log
            "io.trailboss.agent.AgentTokens",       // agent_token
            "io.trailboss.cluster.PgSignals");      // LISTEN/NOTIFY and the schema's name: no table

    /** A class that may run SQL: a store (the store package, or a class named *Store), or one of the listed exceptions. */
    private static final DescribedPredicate<JavaClass> MAY_RUN_SQL = DescribedPredicate.describe("a store class or a listed exception", c -> {
        String top = c.getName().replaceAll("\\$.*", "");
        return c.getPackageName().startsWith("io.trailboss.store") || top.endsWith("Store") || SQL_OUTSIDE_STORES.contains(top);
    });

    private static final DescribedPredicate<JavaAccess<?>> RUNS_SQL = DescribedPredicate.describe(
            "JDBI statements or JDBC statement execution", access -> {
                JavaClass owner = access.getTargetOwner();
                String name = access.getName();
                if (owner.isAssignableTo(org.jdbi.v3.core.Handle.class)) {
                    return Set.of("createUpdate", "createQuery", "createCall", "createScript", "execute", "prepareBatch", "select", "createBatch").contains(name);
                }
                if (owner.isAssignableTo(java.sql.Statement.class)) return name.startsWith("execute") || name.equals("addBatch");
                if (owner.isAssignableTo(java.sql.Connection.class)) return name.equals("prepareStatement") || name.equals("prepareCall");
                return false;
            });

    private static final ArchRule SQL_ONLY_IN_STORES = noClasses().that(DescribedPredicate.not(MAY_RUN_SQL))
            .should().accessTargetWhere(RUNS_SQL);

    @Test
    void sql_stays_in_the_store_classes() {
        SQL_ONLY_IN_STORES.check(CLASSES);
    }

    /** Neither a store nor an exception: what a class that adds SQL of its own looks like. */
    static final class JobCleaner {
        int clean(org.jdbi.v3.core.Handle h) {
            return h.createUpdate("delete from job where state = 'CANCELLED'").execute();
        }

        void cleanJdbc(java.sql.Connection c) throws java.sql.SQLException {
            try (var s = c.createStatement()) {
                s.executeUpdate("delete from job");
            }
        }
    }

    @Test
    void the_sql_rule_refuses_a_statement_outside_the_stores() {
        JavaClasses sneaky = new ClassFileImporter().importClasses(JobCleaner.class);
        assertThatThrownBy(() -> SQL_ONLY_IN_STORES.check(sneaky))
                .hasMessageContaining("JobCleaner.clean(").hasMessageContaining("createUpdate")
                .hasMessageContaining("JobCleaner.cleanJdbc(").hasMessageContaining("executeUpdate");
    }

    @Test
    void packages_are_free_of_cycles() {
        slices().matching("io.trailboss.(*)..").should().beFreeOfCycles()
                // known exceptions: the UI's handlers name the route roles of the HTTP layer that registers them
                // (api.Access is a Javalin RouteRole, so it cannot move below the HTTP layer as it is), and read
                // through the request's api.Visibility (set by the access check of that layer) what a caller sees
                .ignoreDependency(resideInAPackage("io.trailboss.ui.."), equivalentTo(io.trailboss.api.Access.class))
                .ignoreDependency(resideInAPackage("io.trailboss.ui.."), equivalentTo(io.trailboss.api.Visibility.class))
                .check(CLASSES);
    }

    /** The benchmarks are programs run from a source checkout (the Maven profile bench), not part of the server jar. */
    private static final ArchRule NO_BENCHMARK_IN_THE_SERVER = noClasses().should().resideInAPackage("io.trailboss.bench..")
            .because("the benchmarks live in src/test/java and run through the Maven profile bench");

    @Test
    void the_server_jar_holds_no_benchmark() {
        NO_BENCHMARK_IN_THE_SERVER.check(CLASSES);
    }

    @Test
    void the_benchmark_rule_refuses_a_benchmark_class() {
        JavaClasses bench = new ClassFileImporter().importClasses(io.trailboss.bench.Bench.class);
        assertThatThrownBy(() -> NO_BENCHMARK_IN_THE_SERVER.check(bench)).hasMessageContaining("io.trailboss.bench.Bench");
    }

    /** The longest a class may be, counted in lines of its source file (nested classes count with the class that holds them). */
    private static final int MAX_CLASS_LINES = 500;

    /**
     * The lines of the source file a class was compiled from (src/main/java below the project's directory).
     * ArchUnit counts no lines, and a class's line-number table sees only code (not fields, comments or
     * the lines between methods), so the file itself is read; a class whose file is missing fails the rule.
     */
    static Path sourceOf(JavaClass c) {
        String file = c.getSource().flatMap(Source::getFileName).orElse(c.getSimpleName() + ".java");
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        return base.resolve("src/main/java").resolve(c.getPackageName().replace('.', '/')).resolve(file);
    }

    static long sourceLines(Path file) {
        try (var lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArchCondition<JavaClass> haveAtMostLines(int max) {
        return new ArchCondition<>("have at most " + max + " lines") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                Path file = sourceOf(c);
                if (!Files.isRegularFile(file)) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " has no source file at " + file + ": its lines cannot be counted"));
                    return;
                }
                long lines = sourceLines(file);
                events.add(new SimpleConditionEvent(c, lines <= max, c.getName() + " has " + lines + " lines (" + file.getFileName() + "), at most " + max));
            }
        };
    }

    /** Top-level classes of the engine core (agent, cluster, record, engine) are at most {@code max} lines. */
    static ArchRule classesAreShort(int max) {
        return classes().that().resideInAnyPackage("io.trailboss.agent..", "io.trailboss.cluster..", "io.trailboss.record..", "io.trailboss.engine..")
                .and().areTopLevelClasses()
                .should(haveAtMostLines(max));
    }

    @Test
    void no_class_of_the_engine_core_is_over_500_lines() {
        classesAreShort(MAX_CLASS_LINES).check(CLASSES);
    }

    @Test
    void the_size_rule_measures_a_class_by_its_source_file() {
        JavaClass step = CLASSES.get("io.trailboss.engine.Step");
        assertThat(sourceOf(step)).isRegularFile().hasFileName("Step.java");
        int limit = (int) sourceLines(sourceOf(step)) - 1;
        assertThatThrownBy(() -> classesAreShort(limit).check(CLASSES.that(DescribedPredicate.describe("Step", c -> c.equals(step)))))
                .hasMessageContaining("io.trailboss.engine.Step has " + (limit + 1) + " lines");
    }
}
