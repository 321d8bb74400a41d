package dev.hotstandby.backend.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.hotstandby.Backend;
import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * A machine without Docker, played through {@link DockerAvailability}'s seam: classes on the
 * containers backend are skipped with a message saying what is missing and how to get it, unless
 * {@code hotstandby.require} names containers; then they fail. Runs with or without Docker.
 */
class DockerMissingTest {
    private static final String NO_DOCKER = "Testcontainers found no Docker environment (played by DockerMissingTest)";

    private Supplier<Optional<String>> realProbe;
    private String realRequire;

    @BeforeEach
    void dockerIsMissing() {
        realProbe = DockerAvailability.probe;
        realRequire = System.getProperty(BackendUnavailableException.REQUIRE_PROPERTY);
        DockerAvailability.probe = () -> Optional.of(NO_DOCKER);
        System.clearProperty(BackendUnavailableException.REQUIRE_PROPERTY);
    }

    @AfterEach
    void restore() {
        DockerAvailability.probe = realProbe;
        if (realRequire == null) {
            System.clearProperty(BackendUnavailableException.REQUIRE_PROPERTY);
        } else {
            System.setProperty(BackendUnavailableException.REQUIRE_PROPERTY, realRequire);
        }
    }

    @Test
    void classOnTheContainersBackendIsSkippedSayingDockerIsMissingAndHowToGetIt() {
        EngineExecutionResults results = run(ContainersCase.class);

        // each test reported skipped with the reason, so Surefire counts them instead of "Tests run: 0"
        results.testEvents().assertStatistics(stats -> stats.skipped(1).started(0));
        String reason = results.testEvents().skipped().stream().findFirst().orElseThrow().getRequiredPayload(String.class);
        assertThat(reason)
                .startsWith("@PostgresStandbyCluster on [ContainersCase]: Backend.CONTAINERS needs Docker, but "
                        + NO_DOCKER)
                .contains("apt-get install docker.io")
                .contains("DOCKER_HOST")
                .contains("-Dhotstandby.require=containers makes this a failure");
    }

    @Test
    void requiredContainersBackendFailsInstead() {
        System.setProperty(BackendUnavailableException.REQUIRE_PROPERTY, "local, containers");

        EngineExecutionResults results = run(ContainersCase.class);

        results.containerEvents().assertStatistics(stats -> stats.aborted(0));
        Event failed = results.containerEvents().failed().stream().findFirst().orElseThrow();
        Throwable reason = failed.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(reason).isInstanceOf(ClusterStartException.class).isNotInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("Backend.CONTAINERS needs Docker")
                .hasMessageContaining("names containers, so this fails instead of being skipped");
    }

    @Test
    void withoutJUnitTheEngineThrowsTheDedicatedException() {
        assertThatThrownBy(() -> PostgresCluster.builder().backend(Backend.CONTAINERS).start())
                .isInstanceOf(BackendUnavailableException.class)
                .satisfies(e -> assertThat(((BackendUnavailableException) e).backend()).isEqualTo(Backend.CONTAINERS));
    }

    @Test
    void requireListsAreCommaSeparatedAndCaseInsensitive() {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty(BackendUnavailableException.REQUIRE_PROPERTY, " Vagrant ,CONTAINERS");
        assertThat(BackendUnavailableException.isRequired(Backend.CONTAINERS, properties)).isTrue();
        assertThat(BackendUnavailableException.isRequired(Backend.LOCAL, properties)).isFalse();
        assertThat(BackendUnavailableException.isRequired(Backend.CONTAINERS, new java.util.Properties())).isFalse();
    }

    private static EngineExecutionResults run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
    }

    @PostgresStandbyCluster(backend = Backend.CONTAINERS)
    static class ContainersCase {
        @Test
        void neverRuns(@Primary DataSource primary) {
            throw new AssertionError("the class should have been skipped");
        }
    }
}
