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

    static void assumeContainersCanRun() {
        Optional<String> missing = DockerAvailability.probe.get();
        if (missing.isPresent()) {
            skipOrFail("Docker is not available: " + missing.get());
        }
        ClusterSpec spec = builder().spec();
        PostgresImage image = PostgresImage.of(spec);
        Optional<String> unavailable;
        try (DockerClient plain = DockerClientProviderStrategy.getClientForConfig(
                DockerClientFactory.instance().getTransportConfig())) {
            unavailable = image.whyUnavailable(plain);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        unavailable.ifPresent(reason -> skipOrFail(reason + " (set -D" + ClusterSpec.IMAGE_PROPERTY
                + " to an image that is there; in CI .ci/containers.sh builds hotstandby-test/postgres:15)"));
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
