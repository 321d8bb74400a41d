package dev.hotstandby.backend.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.hotstandby.Backend;
import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A Spring test class on a machine without Docker (played through {@link DockerAvailability}'s
 * seam, hence this package) is skipped with hotstandby's reason, like any other class, instead of
 * failing with "Failed to load ApplicationContext".
 */
class SpringDockerMissingTest {
    private Supplier<Optional<String>> realProbe;
    private String realRequire;

    @BeforeEach
    void dockerIsMissing() {
        realProbe = DockerAvailability.probe;
        realRequire = System.getProperty(BackendUnavailableException.REQUIRE_PROPERTY);
        DockerAvailability.probe = () -> Optional.of("no Docker here (played by SpringDockerMissingTest)");
        System.clearProperty(BackendUnavailableException.REQUIRE_PROPERTY);
    }

    @AfterEach
    void restore() {
        DockerAvailability.probe = realProbe;
        if (realRequire != null) {
            System.setProperty(BackendUnavailableException.REQUIRE_PROPERTY, realRequire);
        }
    }

    @Test
    void eachTestIsSkippedWithTheReasonBeforeSpringLoadsAContext() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(SpringOnContainersCase.class)).execute();

        results.testEvents().assertStatistics(stats -> stats.failed(0).succeeded(0));
        assertThat(results.testEvents().skipped().count() + results.testEvents().aborted().count()).isEqualTo(2);
        assertThat(results.testEvents().list()).filteredOn(event -> event.getPayload().isPresent())
                .allSatisfy(event -> assertThat(event.getPayload().orElseThrow().toString())
                        .contains("Backend.CONTAINERS needs Docker, but no Docker here"));
    }

    @SpringBootTest(classes = SpringOnContainersCase.Application.class)
    @PostgresStandbyCluster(backend = Backend.CONTAINERS)
    static class SpringOnContainersCase {
        @Autowired
        DataSource dataSource;

        @Test
        void first() {
            throw new AssertionError("the class should have been skipped");
        }

        @Test
        void second() {
            throw new AssertionError("the class should have been skipped");
        }

        @SpringBootConfiguration
        @EnableAutoConfiguration
        static class Application {
        }
    }
}
