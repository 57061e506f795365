package io.trailboss.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** Package boundaries: the domain knows nothing of HTTP, the CLI or the UI. */
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
}
