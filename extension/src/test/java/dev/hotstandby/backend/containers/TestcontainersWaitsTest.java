package dev.hotstandby.backend.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.PostgresCluster;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The images Testcontainers would wait minutes for on a machine without a registry, decided from
 * played inputs (environment, {@code /.dockerenv}, local images): runs with or without Docker.
 */
class TestcontainersWaitsTest {
    private static final String RYUK = "testcontainers/ryuk:0.14.0";
    private static final String TINY = "alpine:3.17";

    @Test
    void ryukEnabledWithItsImageAbsentNamesTheVariableToSet() {
        assertThat(waits(Map.of(), false, Set.of()).problem()).hasValueSatisfying(problem -> assertThat(problem)
                .contains("Ryuk reaper image " + RYUK + ", which is not present locally")
                .contains("TESTCONTAINERS_RYUK_DISABLED=true")
                .doesNotContain("TESTCONTAINERS_HOST_OVERRIDE"));
    }

    @Test
    void ryukDisabledOrItsImagePresentWaitsForNothing() {
        assertThat(waits(Map.of("TESTCONTAINERS_RYUK_DISABLED", "true"), false, Set.of()).problem()).isEmpty();
        assertThat(waits(Map.of("TESTCONTAINERS_RYUK_DISABLED", "TRUE"), false, Set.of()).problem()).isEmpty();
        assertThat(waits(Map.of(), false, Set.of(RYUK)).problem()).isEmpty();
        // Testcontainers reads only "true": anything else leaves Ryuk on
        assertThat(waits(Map.of("TESTCONTAINERS_RYUK_DISABLED", "1"), false, Set.of()).problem()).isPresent();
    }

    @Test
    void insideAContainerWithoutHostOverrideAndWithoutTheTinyImageNamesTheOverride() {
        Map<String, String> noRyuk = Map.of("TESTCONTAINERS_RYUK_DISABLED", "true");
        assertThat(waits(noRyuk, true, Set.of()).problem()).hasValueSatisfying(problem -> assertThat(problem)
                .contains("/.dockerenv").contains(TINY).contains("TESTCONTAINERS_HOST_OVERRIDE=localhost")
                .doesNotContain("Ryuk"));
        assertThat(waits(Map.of("TESTCONTAINERS_RYUK_DISABLED", "true", "TESTCONTAINERS_HOST_OVERRIDE", "localhost"),
                true, Set.of()).problem()).isEmpty();
        assertThat(waits(Map.of("TESTCONTAINERS_RYUK_DISABLED", "true", "TESTCONTAINERS_HOST_OVERRIDE", " "),
                true, Set.of()).problem()).isPresent();
        assertThat(waits(noRyuk, true, Set.of(TINY)).problem()).isEmpty();
        assertThat(waits(noRyuk, false, Set.of()).problem()).isEmpty();
    }

    @Test
    void bothProblemsAreNamedTogether() {
        assertThat(waits(Map.of(), true, Set.of()).problem()).hasValueSatisfying(problem -> assertThat(problem)
                .contains("TESTCONTAINERS_RYUK_DISABLED=true").contains("TESTCONTAINERS_HOST_OVERRIDE=localhost"));
    }

    @Test
    void aClusterStartFailsAtOnceWithTheProblem() {
        Supplier<Optional<String>> realProbe = DockerAvailability.probe;
        Supplier<Optional<String>> realPulls = DockerAvailability.pulls;
        DockerAvailability.probe = Optional::empty;
        DockerAvailability.pulls = () -> waits(Map.of(), false, Set.of()).problem();
        try {
            assertThatThrownBy(() -> PostgresCluster.builder().backend(Backend.CONTAINERS).start())
                    .isInstanceOf(ClusterStartException.class)
                    .hasMessageContaining("Docker is there, but Testcontainers would pull its Ryuk reaper image")
                    .hasMessageContaining("TESTCONTAINERS_RYUK_DISABLED=true");
        } finally {
            DockerAvailability.probe = realProbe;
            DockerAvailability.pulls = realPulls;
        }
    }

    private static TestcontainersWaits waits(Map<String, String> environment, boolean inContainer, Set<String> images) {
        return new TestcontainersWaits(environment, inContainer, RYUK, TINY, images::contains);
    }
}
