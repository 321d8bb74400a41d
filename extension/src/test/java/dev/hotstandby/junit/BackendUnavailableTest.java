package dev.hotstandby.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.hotstandby.Backend;
import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.PostgresNode;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A backend that cannot run here (containers without Docker, played through the probe seam):
 * every test is reported skipped with the reason, printed once; {@code hotstandby.require} as a
 * system property or a configuration parameter makes it a failure instead.
 */
class BackendUnavailableTest {
    private static final String REASON = "@PostgresStandbyCluster on [ContainersCase]: Backend.CONTAINERS needs Docker,"
            + " but " + NoDocker.REASON + ". ";
    private static final String SKIPPED_SUFFIX = " (skipped; -Dhotstandby.require=containers makes this a failure)";

    private NoDocker noDocker;

    @BeforeEach
    void dockerIsMissing() throws ReflectiveOperationException {
        noDocker = NoDocker.play();
        ContainersCase.classSetupRan = false;
    }

    @AfterEach
    void restore() throws IllegalAccessException {
        noDocker.close();
        System.clearProperty(BackendUnavailableException.REQUIRE_PROPERTY);
        System.clearProperty("hotstandby.backend");
    }

    @Test
    void eachTestIsSkippedWithTheReasonWhichIsPrintedOnce() {
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of(), ContainersCase.class);
        EngineExecutionResults results = run.results();

        results.testEvents().assertStatistics(stats -> stats.skipped(3).started(0).failed(0).aborted(0));
        results.containerEvents().assertStatistics(stats -> stats.failed(0).aborted(0).skipped(0));
        List<String> reasons = results.testEvents().skipped().stream()
                .map(event -> event.getRequiredPayload(String.class)).toList();
        assertThat(reasons).hasSize(3).allSatisfy(reason -> assertThat(reason).startsWith(REASON)
                .contains("apt-get install docker.io").endsWith(SKIPPED_SUFFIX));
        assertThat(run.stderr().split("Backend.CONTAINERS needs Docker", -1)).as(run.stderr()).hasSize(2);
        assertThat(run.stderr()).contains("hotstandby: " + REASON);
        assertThat(ContainersCase.classSetupRan).as("@BeforeAll/@AfterAll of a class without a cluster").isFalse();
    }

    @Test
    void requiredAsAConfigurationParameterFails() {
        EngineExecutionResults results = EngineRuns.run(Map.of(BackendUnavailableException.REQUIRE_PROPERTY, "local,Containers"),
                ContainersCase.class);

        results.testEvents().assertStatistics(stats -> stats.started(0).skipped(0));
        results.containerEvents().assertThatEvents().haveExactly(1, event(container(ContainersCase.class),
                finishedWithFailure(instanceOf(ClusterStartException.class), message(m -> m.startsWith(REASON)
                        && m.endsWith(" (hotstandby.require names containers, so this fails instead of being skipped)")
                        && !m.contains("skipped;")))));
    }

    @Test
    void requiredAsASystemPropertyFails() {
        System.setProperty(BackendUnavailableException.REQUIRE_PROPERTY, "containers");
        EngineExecutionResults results = EngineRuns.run(ContainersCase.class);

        results.testEvents().assertStatistics(stats -> stats.started(0).skipped(0));
        results.containerEvents().assertThatEvents().haveExactly(1, event(container(ContainersCase.class),
                finishedWithFailure(instanceOf(ClusterStartException.class), message(m -> m.startsWith(REASON)
                        && m.endsWith("(-Dhotstandby.require names containers, so this fails instead of being skipped)")))));
    }

    @Test
    void backendChosenByAConfigurationParameter() {
        EngineExecutionResults results = EngineRuns.run(Map.of("hotstandby.backend", "containers"), LocalCase.class);
        results.testEvents().assertStatistics(stats -> stats.skipped(1).started(0));
        assertThat(results.testEvents().skipped().stream().findFirst().orElseThrow().getRequiredPayload(String.class))
                .startsWith("@PostgresStandbyCluster on [LocalCase]: Backend.CONTAINERS needs Docker");
    }

    @Test
    void systemPropertyWinsOverTheConfigurationParameter() {
        System.setProperty("hotstandby.backend", "local");
        EngineRuns.run(Map.of("hotstandby.backend", "containers"), LocalCase.class)
                .testEvents().assertStatistics(stats -> stats.succeeded(1).skipped(0).failed(0));
        assertThat(EngineRuns.runningServers()).isZero();
    }

    // ---- test cases run through the engine above; not run on their own ----

    @PostgresStandbyCluster(backend = Backend.CONTAINERS)
    static class ContainersCase {
        static boolean classSetupRan;

        @Primary
        static DataSource primary;

        @BeforeAll
        static void schema(@Primary DataSource primary) {
            classSetupRan = true;
        }

        @AfterAll
        static void after() {
            classSetupRan = true;
        }

        @Test
        void writes(@Primary DataSource primary) {
            throw new AssertionError("skipped, never run");
        }

        @Test
        void reads(@Standby PostgresNode standby) {
            throw new AssertionError("skipped, never run");
        }

        @Nested
        class Inner {
            @Test
            void alsoSkipped() {
                throw new AssertionError("skipped, never run");
            }
        }
    }

    @PostgresStandbyCluster
    static class LocalCase {
        @Test
        void runs(@Primary PostgresNode primary) {
            assertThat(primary.isPrimary()).isTrue();
        }
    }
}
