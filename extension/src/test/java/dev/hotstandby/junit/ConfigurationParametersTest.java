package dev.hotstandby.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.hotstandby.PostgresNode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * {@code hotstandby.*} options from JUnit configuration parameters ({@code junit-platform.properties}),
 * under system properties; messages name where a bad value came from.
 */
class ConfigurationParametersTest {

    @AfterEach
    void clear() {
        System.clearProperty("hotstandby.version");
    }

    @Test
    void versionFromAConfigurationParameterIsAppliedAndNamedInTheMessage() {
        EngineRuns.run(Map.of("hotstandby.version", "8"), Valid.class).containerEvents().assertThatEvents()
                .haveExactly(1, event(container(Valid.class), finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class), message(m -> m.contains(
                                "configuration parameter hotstandby.version must be a PostgreSQL major from 10 to 18"
                                        + " but was \"8\"")))));
    }

    @Test
    void theSystemPropertyWinsAndKeepsItsName() {
        System.setProperty("hotstandby.version", "9");
        EngineRuns.run(Map.of("hotstandby.version", "18"), Valid.class).containerEvents().assertThatEvents()
                .haveExactly(1, event(container(Valid.class), finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class), message(m -> m.contains(
                                "system property hotstandby.version must be a PostgreSQL major from 10 to 18"
                                        + " but was \"9\"")))));
    }

    @Test
    void aValidSystemPropertyOverridesABadConfigurationParameter() {
        System.setProperty("hotstandby.version", "18");
        EngineRuns.run(Map.of("hotstandby.version", "8"), Valid.class)
                .testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        assertThat(EngineRuns.runningServers()).isZero();
    }

    @Test
    void anOptionOnlyABackendReadsIsReportedAsIgnoredOncePerRun() {
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of("hotstandby.spares", "2"), Valid.class, AlsoValid.class);
        run.results().testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));
        String warning = "hotstandby: the configuration parameter hotstandby.spares is ignored: it is read as a system"
                + " property only; pass -Dhotstandby.spares=... to the test JVM";
        assertThat(run.stderr().split(java.util.regex.Pattern.quote(warning), -1)).as(run.stderr()).hasSize(2);
    }

    /** A project's junit-platform.properties never turns reuse on, and the run says so. */
    @Test
    void reuseGivenAsAConfigurationParameterIsIgnoredAndSaidToBeTheMachineOwnersChoice() {
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of("hotstandby.reuse", "true"), SharedValid.class);
        run.results().testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        assertThat(run.stderr()).contains("hotstandby: the configuration parameter hotstandby.reuse is ignored: reuse is"
                + " the machine owner's choice (a system property, the environment variable HOTSTANDBY_REUSE or"
                + " ~/.hotstandby.properties), never a project's own file");
    }

    @PostgresStandbyCluster(standbys = 0, shared = true)
    static class SharedValid {
        @Test
        void runs(@Primary PostgresNode primary) {
            assertThat(primary.isPrimary()).isTrue();
        }
    }

    // ---- test cases run through the engine above; not run on their own ----

    @PostgresStandbyCluster(standbys = 0)
    static class Valid {
        @Test
        void runs(@Primary PostgresNode primary) {
            assertThat(primary.isPrimary()).isTrue();
        }
    }

    @PostgresStandbyCluster(standbys = 0)
    static class AlsoValid {
        @Test
        void runs(@Primary PostgresNode primary) {
            assertThat(primary.isPrimary()).isTrue();
        }
    }
}
