package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Removes a cluster from Docker, after saving what a failed test needs to see: the containers'
 * logs and config files ({@link Evidence}). What cannot be removed now is left to the next start
 * after this JVM ends, which removes everything with this JVM's owner label.
 */
final class ClusterTeardown {
    private final ClusterSpec spec;
    private final String clusterId;
    /** The cluster's nodes, as many as were defined by the time it is removed. */
    private final List<ContainerNode> nodes;
    private final DockerResources shared;

    ClusterTeardown(ClusterSpec spec, String clusterId, List<ContainerNode> nodes, DockerResources shared) {
        this.spec = spec;
        this.clusterId = clusterId;
        this.nodes = nodes;
        this.shared = shared;
    }

    /**
     * Removes every container (with its volumes), the network and the archive volume. With
     * {@code keepEvidence}, each container's whole log (and its config files) is saved to a
     * directory first, whose path is returned.
     */
    Optional<String> remove(boolean keepEvidence) {
        List<ContainerNode> nodes = List.copyOf(this.nodes);
        Optional<String> kept = Optional.empty();
        if (keepEvidence) {
            kept = Optional.of(Evidence.save(spec, clusterId, nodes).toString());
        }
        List<String> problems = new ArrayList<>();
        removeContainers(nodes, problems);
        shared.remove(problems);
        if (!problems.isEmpty()) {
            System.err.println("hotstandby: " + spec.owner() + ": could not remove everything (the next start after this"
                    + " JVM ends removes what has label " + Labels.OWNER + "=" + Labels.owner() + "): " + problems);
        }
        return kept;
    }

    /** In parallel: each stop waits for the server's shutdown, and the network can go only after all of them. */
    private void removeContainers(List<ContainerNode> nodes, List<String> problems) {
        List<Thread> removals = new ArrayList<>();
        for (ContainerNode node : nodes) {
            Thread removal = new Thread(() -> {
                try {
                    node.removeContainer();
                } catch (RuntimeException e) {
                    synchronized (problems) {
                        problems.add(node.name() + ": " + e.getMessage());
                    }
                }
            }, "hotstandby-" + clusterId + "-remove-" + node.name());
            // a finishing JVM must not wait for it; close() joins it anyway
            removal.setDaemon(true);
            removal.start();
            removals.add(removal);
        }
        for (Thread removal : removals) {
            try {
                removal.join(TimeUnit.SECONDS.toMillis(90));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
