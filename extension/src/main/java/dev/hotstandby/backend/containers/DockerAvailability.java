package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.hotstandby.Backend;
import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;

/**
 * Whether Docker can be reached, as Testcontainers finds it (DOCKER_HOST, Docker contexts, the
 * usual sockets, ~/.testcontainers.properties). Without Docker a cluster is not an error of the
 * test: {@link BackendUnavailableException} lets the JUnit extension skip the class, unless
 * {@code hotstandby.require} names {@code containers}.
 */
final class DockerAvailability {
    static final String HOW_TO_GET_DOCKER = "Install Docker so that `docker info` works for this user"
            + " (Debian/Ubuntu: `apt-get install docker.io`, then start dockerd; macOS/Windows: Docker Desktop,"
            + " Colima, or Podman with its Docker-compatible socket), or point DOCKER_HOST at a Docker daemon."
            + " Or run on the local backend: Backend.LOCAL (-D" + ClusterSpec.BACKEND_PROPERTY + "=local) needs no Docker.";

    /** Why Docker cannot be used, or empty. A seam: tests replace it to play a machine without Docker. */
    static volatile Supplier<Optional<String>> probe = DockerAvailability::probeTestcontainers;

    /** The images Testcontainers 2.0.5 hard-codes ({@code RyukContainer}, {@code DockerClientFactory.TINY_IMAGE}). */
    static final String RYUK_IMAGE = "testcontainers/ryuk:0.14.0";
    static final String TINY_IMAGE = "alpine:3.17";

    /** Why Testcontainers would wait minutes on a pull, or empty. A seam like {@link #probe}. */
    static volatile Supplier<Optional<String>> pulls = DockerAvailability::probePulls;

    private DockerAvailability() {
    }

    /**
     * Returns Testcontainers' Docker client, or throws: {@link BackendUnavailableException} when
     * there is no Docker (a {@link ClusterStartException} when {@code hotstandby.require} names
     * containers), {@link ClusterStartException} with advice when Testcontainers cannot work here.
     */
    static DockerClient require(ClusterSpec spec) {
        Optional<String> missing = probe.get();
        if (missing.isPresent()) {
            String message = spec.owner() + ": Backend.CONTAINERS needs Docker, but " + missing.get() + ". "
                    + HOW_TO_GET_DOCKER;
            if (BackendUnavailableException.isRequired(Backend.CONTAINERS, System.getProperties())) {
                throw new ClusterStartException(message + " (-D" + BackendUnavailableException.REQUIRE_PROPERTY
                        + " names containers, so this fails instead of being skipped)");
            }
            throw new BackendUnavailableException(Backend.CONTAINERS, message + " (skipped; -D"
                    + BackendUnavailableException.REQUIRE_PROPERTY + "=containers makes this a failure)");
        }
        Optional<String> hang = pulls.get();
        if (hang.isPresent()) {
            throw new ClusterStartException(spec.owner() + ": Docker is there, but " + hang.get() + ".");
        }
        try {
            return DockerClientFactory.instance().client();
        } catch (RuntimeException e) {
            throw new ClusterStartException(spec.owner() + ": Docker is there, but Testcontainers cannot use it: "
                    + e.getMessage() + ". On hosts without a container registry Testcontainers cannot pull its Ryuk"
                    + " image: set the environment variable TESTCONTAINERS_RYUK_DISABLED=true (hotstandby then removes"
                    + " what a dead JVM left behind at the next start). When the JVM itself runs in a container (a"
                    + " /.dockerenv file) and Docker's gateway is not where the mapped ports are, also set"
                    + " TESTCONTAINERS_HOST_OVERRIDE=localhost.", e);
        }
    }

    /** Testcontainers' search for a Docker environment, without starting Ryuk or running any container. */
    private static Optional<String> probeTestcontainers() {
        try {
            DockerClientFactory.instance().getTransportConfig();
            return Optional.empty();
        } catch (RuntimeException noDocker) {
            return Optional.of("Testcontainers found no Docker environment (" + noDocker.getMessage() + ")");
        }
    }

    /** Asks Docker, on a plain client (Testcontainers' own one would start Ryuk), which images it has. */
    private static Optional<String> probePulls() {
        try (DockerClient docker = DockerClientProviderStrategy.getClientForConfig(
                DockerClientFactory.instance().getTransportConfig())) {
            return new TestcontainersWaits(System.getenv(), Files.exists(Path.of("/.dockerenv")),
                    substituted(RYUK_IMAGE), substituted(TINY_IMAGE),
                    image -> present(docker, image)).problem();
        } catch (IOException | RuntimeException e) {
            // not decidable here: Testcontainers' own start reports what is wrong
            return Optional.empty();
        }
    }

    private static String substituted(String image) {
        return ImageNameSubstitutor.instance().apply(DockerImageName.parse(image)).asCanonicalNameString();
    }

    private static boolean present(DockerClient docker, String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException absent) {
            return false;
        }
    }
}
