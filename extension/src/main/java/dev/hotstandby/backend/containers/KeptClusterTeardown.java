package dev.hotstandby.backend.containers;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * The teardown of a cluster kept for reuse ({@code kept-cluster-teardown.sh}): shell lines that
 * remove its containers, networks and volume by label with the docker command, for the entry's
 * watchdog, which runs with no JVM of ours. So reuse needs the docker command on the PATH.
 */
final class KeptClusterTeardown {
    private KeptClusterTeardown() {
    }

    /** The docker command on the PATH, if there is one. */
    static Optional<Path> dockerCommand() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path docker = Path.of(directory, "docker");
            if (Files.isExecutable(docker) && !Files.isDirectory(docker)) {
                return Optional.of(docker.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** The script for the cluster {@code clusterId} kept in the entry {@code entry}, talking to this JVM's Docker daemon. */
    static String script(String clusterId, Path entry) {
        Path docker = dockerCommand().orElseThrow(() -> new IllegalStateException(whyNot()));
        String dockerHost = DockerClientFactory.instance().getTransportConfig().getDockerHost().toString();
        return "docker=" + quoted(docker.toString()) + "\n"
                + "cluster=" + quoted(clusterId) + "\n"
                + "entry=" + quoted(entry.toString()) + "\n"
                + "DOCKER_HOST=" + quoted(dockerHost) + "\n"
                + new String(NodeContainers.resource("kept-cluster-teardown.sh"), java.nio.charset.StandardCharsets.UTF_8);
    }

    static String whyNot() {
        return "the docker command is not on the PATH, and the watchdog that removes a container cluster nobody"
                + " uses any more, with no JVM running, needs it (install the Docker CLI)";
    }

    private static String quoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
