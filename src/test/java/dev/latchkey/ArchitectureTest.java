package dev.latchkey;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The shape of the code (STYLE.md, issue 12), checked on the compiled main classes: every package
 * imports only packages below it,
 * {@code api → oauth → account → token | session → revocation → config | metrics | error | audit | crypto | db | events},
 * no two packages depend on each other, and the error vocabulary knows nothing of HTTP.
 */
class ArchitectureTest {

    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.latchkey");

    @Test
    void everyPackageImportsOnlyPackagesBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy("dev.latchkey.api..")
                .layer("oauth").definedBy("dev.latchkey.oauth..")
                .layer("account").definedBy("dev.latchkey.account..")
                .layer("token").definedBy("dev.latchkey.token..")
                .layer("session").definedBy("dev.latchkey.session..")
                .layer("revocation").definedBy("dev.latchkey.revocation..")
                .layer("leaves").definedBy("dev.latchkey.config..", "dev.latchkey.metrics..", "dev.latchkey.error..",
                        "dev.latchkey.audit..", "dev.latchkey.crypto..", "dev.latchkey.db..", "dev.latchkey.events..")
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("oauth").mayOnlyBeAccessedByLayers("api")
                .whereLayer("account").mayOnlyBeAccessedByLayers("api", "oauth")
                .whereLayer("session").mayOnlyBeAccessedByLayers("api", "oauth", "account")
                .whereLayer("token").mayOnlyBeAccessedByLayers("api", "oauth", "account", "session")
                .whereLayer("revocation").mayOnlyBeAccessedByLayers("api", "oauth", "account", "session", "token")
                .check(MAIN);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("dev.latchkey.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void onlyTheApiPackageKnowsHttp() {
        noClasses().that().resideOutsideOfPackage("dev.latchkey.api..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "io.vertx.core.http..",
                        "io.vertx.ext.web..", "org.jboss.resteasy.reactive..")
                .check(MAIN);
    }

    /**
     * The JVM-only native libraries are named by one class each, reached by name: the native build
     * leaves their jars out and links every class it reaches, so nothing else may name them.
     */
    @Test
    void onlyOneClassNamesEachJvmOnlyNativeLibrary() {
        // Libargon2 and its nested types (the JNA interface, structure, callbacks, work areas)
        noClasses().that().haveNameNotMatching("dev\\.latchkey\\.account\\.Libargon2(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage("com.sun.jna..")
                .check(MAIN);
        // nor Libargon2 itself, nested types included: the native build reaches an enclosing class
        // from its nested ones and runs its initializer, which needs JNA (the CI's native build failed so)
        noClasses().that().haveNameNotMatching("dev\\.latchkey\\.account\\.Libargon2(\\$.*)?")
                .should().dependOnClassesThat().haveNameMatching("dev\\.latchkey\\.account\\.Libargon2(\\$.*)?")
                .check(MAIN);
        noClasses().that().doNotHaveFullyQualifiedName("dev.latchkey.token.Accp")
                .should().dependOnClassesThat().resideInAnyPackage("com.amazon.corretto..")
                .check(MAIN);
    }
}
