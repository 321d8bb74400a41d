package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import dev.hotstandby.ClusterStartException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;

/**
 * What the cluster's containers share in Docker: two networks of the cluster's own (a third where
 * other clusters subscribe to it, {@link SubscriberNetwork}), and with archiving = true a volume for
 * the WAL archive. All carry the cluster's labels, so a later start
 * removes them should this JVM die before {@link #remove}.
 *
 * <p>The <em>replication</em> network ({@code hotstandby-<id>}) carries replication: each node is
 * reachable there by its name (a network alias), and {@code disconnect()} takes a standby off it.
 * It is {@code --internal}, so it never provides a container's default gateway and Docker never
 * publishes ports through it. The <em>access</em> network ({@code hotstandby-<id>-access}) is the one
 * each container is created on: Docker publishes the mapped ports through it, so the test JVM
 * reaches every node, a cut-off standby too. No node has an alias there, so replication cannot
 * take that way round a cut.
 */
final class DockerResources {
    private final DockerClient client;
    private final String clusterId;
    private Network network;
    private String replicationNetworkId;
    private List<String> subnets = List.of();
    private String replicationGateway;
    private String archiveVolume;
    private final SubscriberNetwork subscribers;
    /** The labels of everything here: the cluster's, with its reuse entry where it is kept for reuse. */
    private final Map<String, String> labels;
    private final boolean reused;

    /** {@code reuseEntry}: the entry's directory of a cluster kept for reuse, else null. */
    DockerResources(DockerClient client, String clusterId, java.nio.file.Path reuseEntry) {
        this.client = client;
        this.clusterId = clusterId;
        this.labels = Labels.forCluster(clusterId, reuseEntry);
        this.reused = reuseEntry != null;
        this.subscribers = new SubscriberNetwork(client, clusterId, labels);
    }

    /** Both networks, and their subnets: pg_hba.conf admits connections from them only. */
    void createNetworks() {
        // kept for reuse, not Testcontainers' network: its session label would have it removed at the JVM's end
        network = reused ? new KeptNetwork(client, client.createNetworkCmd().withName(accessNetworkName())
                .withLabels(labels).exec().getId())
                : Network.builder().createNetworkCmdModifier(cmd -> cmd.withName(accessNetworkName())
                .withLabels(labels)).build();
        // both at once: each is a round trip to the daemon, which is slow to make a network
        CompletableFuture<List<String>> access = CompletableFuture.supplyAsync(
                () -> subnetsOf(network.getId(), accessNetworkName()));
        List<String> replication;
        try {
            replicationNetworkId = client.createNetworkCmd().withName(replicationNetworkName()).withInternal(true)
                    .withLabels(labels).exec().getId();
            replication = subnetsOf(replicationNetworkId, replicationNetworkName());
        } finally {
            // remove() must know the access network too, whatever happened here
            awaitQuietly(access);
        }
        List<String> all = new ArrayList<>(access.join());
        all.addAll(replication);
        subnets = List.copyOf(all);
        replicationGateway = gatewayOf(replicationNetworkId);
    }

    /**
     * The networks (and archive volume) a cluster kept by an earlier run has, found by their names;
     * false when one of them is gone.
     */
    boolean findKept() {
        try {
            String access = client.inspectNetworkCmd().withNetworkId(accessNetworkName()).exec().getId();
            replicationNetworkId = client.inspectNetworkCmd().withNetworkId(replicationNetworkName()).exec().getId();
            network = new KeptNetwork(client, access);
            List<String> all = new ArrayList<>(subnetsOf(access, accessNetworkName()));
            all.addAll(subnetsOf(replicationNetworkId, replicationNetworkName()));
            subnets = List.copyOf(all);
            replicationGateway = gatewayOf(replicationNetworkId);
        } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
            return false;
        }
        String volume = "hotstandby-" + clusterId + "-archive";
        try {
            client.inspectVolumeCmd(volume).exec();
            archiveVolume = volume;
        } catch (com.github.dockerjava.api.exception.NotFoundException none) {
            archiveVolume = null;
        }
        subscribers.findKept();
        return true;
    }

    private String gatewayOf(String networkId) {
        return client.inspectNetworkCmd().withNetworkId(networkId).exec().getIpam().getConfig()
                .stream().map(com.github.dockerjava.api.model.Network.Ipam.Config::getGateway).filter(Objects::nonNull)
                .findFirst().orElse(null);
    }

    /** A network made with the Docker client (Testcontainers knows nothing of it); {@code close()} removes it. */
    private record KeptNetwork(DockerClient client, String id) implements Network {
        @Override
        public String getId() {
            return id;
        }

        @Override
        public void close() {
            client.removeNetworkCmd(id).exec();
        }
    }

    /**
     * The Docker host's own address on the replication network (its bridge's), where the replication
     * relays listen ({@link ReplicationRelays}); null if Docker gave none.
     */
    String replicationGateway() {
        return replicationGateway;
    }

    private static void awaitQuietly(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (RuntimeException reportedByJoinAgain) {
            // the caller's join() rethrows it
        }
    }

    private List<String> subnetsOf(String networkId, String name) {
        return subnetsOf(client, networkId, name);
    }

    /** The network's subnets; a network without one fails the start, naming it. */
    static List<String> subnetsOf(DockerClient client, String networkId, String name) {
        List<String> found = client.inspectNetworkCmd().withNetworkId(networkId).exec().getIpam().getConfig().stream()
                .map(com.github.dockerjava.api.model.Network.Ipam.Config::getSubnet).filter(Objects::nonNull).toList();
        if (found.isEmpty()) {
            throw new ClusterStartException("Docker gave the network " + name + " no subnet");
        }
        return found;
    }

    /** One volume mounted by every node: the primary archives into it, standbys restore from it. */
    void createArchiveVolume() {
        archiveVolume = "hotstandby-" + clusterId + "-archive";
        Map<String, String> labels = new HashMap<>(this.labels);
        if (!reused) {
            // Testcontainers' own labels too, so that its Ryuk removes the volume where it runs
            labels.putAll(DockerClientFactory.DEFAULT_LABELS);
        }
        client.createVolumeCmd().withName(archiveVolume).withLabels(labels).exec();
    }

    /** The access network: each container is created on it, and Docker publishes the mapped ports through it. */
    Network network() {
        return network;
    }

    /** The id of the replication network, where the nodes' names resolve. */
    String replicationNetwork() {
        return replicationNetworkId;
    }

    List<String> subnets() {
        return subnets;
    }

    /** The pg_hba.conf rules every node appends to the template's: its networks (and subscribers'), with the password. */
    List<String> pgHbaRules() {
        List<String> rules = new ArrayList<>(NodeSettings.clusterRules(subnets, dockerHostIsRemote()));
        rules.addAll(subscribers.rules());
        return rules;
    }

    /** A Docker daemon elsewhere (tcp:// to another machine) keeps the client's own address in its port mapping. */
    private static boolean dockerHostIsRemote() {
        URI dockerHost = DockerClientFactory.instance().getTransportConfig().getDockerHost();
        String scheme = String.valueOf(dockerHost.getScheme());
        if (scheme.equals("unix") || scheme.equals("npipe")) {
            return false;
        }
        String host = String.valueOf(dockerHost.getHost());
        return !(host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]"));
    }

    /** The archive volume's name, or null without archiving. */
    String archiveVolume() {
        return archiveVolume;
    }

    /** Where other clusters' servers reach this cluster's, made on first use. */
    SubscriberNetwork subscribers() {
        return subscribers;
    }

    /** Removes what was created (the containers must be gone first); what fails is added to {@code problems}. */
    void remove(List<String> problems) {
        subscribers.remove(problems);
        if (replicationNetworkId != null) {
            try {
                client.removeNetworkCmd(replicationNetworkId).exec();
            } catch (RuntimeException e) {
                problems.add("network " + replicationNetworkName() + ": " + e.getMessage());
            }
        }
        if (network != null) {
            try {
                network.close();
            } catch (RuntimeException e) {
                problems.add("network " + accessNetworkName() + ": " + e.getMessage());
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

    private String replicationNetworkName() {
        return "hotstandby-" + clusterId;
    }

    private String accessNetworkName() {
        return "hotstandby-" + clusterId + "-access";
    }
}
