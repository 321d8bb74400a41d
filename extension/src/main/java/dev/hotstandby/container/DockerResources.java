package dev.hotstandby.container;

import com.github.dockerjava.api.DockerClient;
import dev.hotstandby.ClusterStartException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;

/**
 * What the cluster's containers share in Docker: a network of the cluster's own, where each node is
 * reachable by its name, and with archiving = true a volume for the WAL archive. Both carry the
 * cluster's labels, so a later start removes them should this JVM die before {@link #remove}.
 */
final class DockerResources {
    private final DockerClient client;
    private final String clusterId;
    private Network network;
    private List<String> subnets = List.of();
    private String archiveVolume;

    DockerResources(DockerClient client, String clusterId) {
        this.client = client;
        this.clusterId = clusterId;
    }

    /** The network, and its subnets: pg_hba.conf admits connections from them only. */
    void createNetwork() {
        network = Network.builder().createNetworkCmdModifier(cmd -> cmd.withName(networkName())
                .withLabels(Labels.forCluster(clusterId))).build();
        subnets = client.inspectNetworkCmd().withNetworkId(network.getId()).exec().getIpam().getConfig().stream()
                .map(com.github.dockerjava.api.model.Network.Ipam.Config::getSubnet).filter(Objects::nonNull).toList();
        if (subnets.isEmpty()) {
            throw new ClusterStartException("Docker gave the network " + networkName() + " no subnet");
        }
    }

    /** One volume mounted by every node: the primary archives into it, standbys restore from it. */
    void createArchiveVolume() {
        archiveVolume = "hotstandby-" + clusterId + "-archive";
        Map<String, String> labels = new HashMap<>(Labels.forCluster(clusterId));
        // Testcontainers' own labels too, so that its Ryuk removes the volume where it runs
        labels.putAll(DockerClientFactory.DEFAULT_LABELS);
        client.createVolumeCmd().withName(archiveVolume).withLabels(labels).exec();
    }

    Network network() {
        return network;
    }

    List<String> subnets() {
        return subnets;
    }

    /** The archive volume's name, or null without archiving. */
    String archiveVolume() {
        return archiveVolume;
    }

    /** Removes what was created (the containers must be gone first); what fails is added to {@code problems}. */
    void remove(List<String> problems) {
        if (network != null) {
            try {
                network.close();
            } catch (RuntimeException e) {
                problems.add("network " + networkName() + ": " + e.getMessage());
            }
        }
        if (archiveVolume != null) {
            try {
                client.removeVolumeCmd(archiveVolume).exec();
            } catch (RuntimeException e) {
                problems.add("volume " + archiveVolume + ": " + e.getMessage());
            }
        }
    }

    private String networkName() {
        return "hotstandby-" + clusterId;
    }
}
