package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.util.List;

/**
 * Removes the containers, networks and volumes of clusters whose JVM is gone (killed, or crashed
 * before its shutdown hook ran), and containers left making a template image by such a JVM. Ryuk does this where it can run; on hosts without a registry it
 * cannot, so every cluster start sweeps by {@link Labels#OWNER}. Only owners on this machine are
 * judged: another machine's pids are not ours to test. A cluster kept for reuse ({@link Labels#REUSE})
 * is spared while its entry exists: its watchdog removes it once idle.
 */
final class StaleContainerReaper {
    private StaleContainerReaper() {
    }

    /** Returns how many containers, networks and volumes were removed. */
    static int reap(DockerClient client) {
        int removed = 0;
        List<Container> containers = client.listContainersCmd().withShowAll(true)
                .withLabelFilter(List.of(Labels.OWNER)).exec();
        for (Container container : containers) {
            if (Labels.leftOver(container.getLabels())) {
                removed += quietly(() -> client.removeContainerCmd(container.getId()).withForce(true)
                        .withRemoveVolumes(true).exec());
            }
        }
        // a template builder whose JVM died: its name says it is one (nodes inherit its labels, emptied)
        List<Container> builders = client.listContainersCmd().withShowAll(true)
                .withNameFilter(List.of(TemplateImages.BUILDER_PREFIX)).withLabelFilter(List.of(Labels.BUILDER)).exec();
        for (Container builder : builders) {
            if (Labels.builderIsGone(builder.getLabels())) {
                removed += quietly(() -> client.removeContainerCmd(builder.getId()).withForce(true)
                        .withRemoveVolumes(true).exec());
            }
        }
        for (Network network : client.listNetworksCmd().withFilter("label", List.of(Labels.OWNER)).exec()) {
            if (Labels.leftOver(network.getLabels())) {
                removed += quietly(() -> client.removeNetworkCmd(network.getId()).exec());
            }
        }
        List<InspectVolumeResponse> volumes = client.listVolumesCmd().withFilter("label", List.of(Labels.OWNER)).exec()
                .getVolumes();
        for (InspectVolumeResponse volume : volumes == null ? List.<InspectVolumeResponse>of() : volumes) {
            if (Labels.leftOver(volume.getLabels())) {
                removed += quietly(() -> client.removeVolumeCmd(volume.getName()).exec());
            }
        }
        return removed;
    }

    /** Another JVM may be reaping the same leftovers right now: "not found" and "in progress" are fine. */
    private static int quietly(Runnable removal) {
        try {
            removal.run();
            return 1;
        } catch (DockerException alreadyGoing) {
            return 0;
        }
    }
}
