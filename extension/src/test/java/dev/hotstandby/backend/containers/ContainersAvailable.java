package dev.hotstandby.backend.containers;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import dev.hotstandby.Backend;
import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresCluster;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;

/**
 * The gate of the container tests: they run where Docker and the image are there, are skipped
 * elsewhere, and fail when {@code -Dhotstandby.require=containers} says they must run. The image is
 * checked with a plain Docker client, before Testcontainers starts Ryuk or anything else.
 */
final class ContainersAvailable {
    private ContainersAvailable() {
    }

    /** Asked once per JVM: Docker and the image do not come and go while the tests run. */
    private static volatile Optional<String> unavailable;

    /**
     * Called before each test, so that without Docker every test is reported skipped with the reason
     * (an abort in {@code @BeforeAll} shows as "Tests run: 0"); fails instead where it must run.
     */
    static void assumeContainersCanRun() {
        whyNot().ifPresent(ContainersAvailable::skipOrFail);
    }

    private static synchronized Optional<String> whyNot() {
        if (unavailable == null) {
            unavailable = probe();
        }
        return unavailable;
    }

    private static Optional<String> probe() {
        Optional<String> missing = DockerAvailability.probe.get();
        if (missing.isPresent()) {
            return Optional.of("Docker is not available: " + missing.get());
        }
        PostgresImage image = PostgresImage.of(builder().spec());
        try (DockerClient plain = DockerClientProviderStrategy.getClientForConfig(
                DockerClientFactory.instance().getTransportConfig())) {
            return image.whyUnavailable(plain).map(reason -> reason + " (set -D" + ClusterSpec.IMAGE_PROPERTY
                    + " to an image that is there; in CI .ci/containers.sh builds hotstandby-test/postgres:15)");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A containers cluster as these tests make it: the run's hotstandby.image and hotstandby.version apply. */
    static PostgresCluster.Builder builder() {
        return PostgresCluster.builder().backend(Backend.CONTAINERS).describedAs("container test");
    }

    private static void skipOrFail(String reason) {
        if (BackendUnavailableException.isRequired(Backend.CONTAINERS, System.getProperties())) {
            fail(reason + " (-D" + BackendUnavailableException.REQUIRE_PROPERTY + " names containers)");
        }
        Assumptions.abort(reason);
    }
}
