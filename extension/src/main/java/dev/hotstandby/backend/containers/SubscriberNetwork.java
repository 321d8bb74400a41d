package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.util.List;
import java.util.Map;

/**
 * How servers of another containers cluster reach this cluster's servers, for a subscription: a third
 * network of this cluster's ({@code hotstandby-<id>-subscribers}), made on first use, that this
 * cluster's nodes and the subscriber's nodes join without aliases (so no node name of either cluster
 * resolves to the other's). It is {@code --internal}, like the replication network: joining a network
 * that can provide a default gateway could move a container's gateway, and Docker would publish its
 * mapped ports anew, on other host ports. pg_hba.conf of this cluster's nodes admits the network's
 * subnet, with the password, from then on.
 */
final class SubscriberNetwork {
    private final DockerClient client;
    private final String clusterId;
    private final Map<String, String> labels;
    private String networkId;
    private String subnet;

    SubscriberNetwork(DockerClient client, String clusterId, Map<String, String> labels) {
        this.client = client;
        this.clusterId = clusterId;
        this.labels = labels;
    }

    /** For a cluster an earlier run kept: its subscribers network, if that run made one. */
    synchronized void findKept() {
        try {
            networkId = client.inspectNetworkCmd().withNetworkId(name()).exec().getId();
            subnet = DockerResources.subnetsOf(client, networkId, name()).get(0);
        } catch (com.github.dockerjava.api.exception.NotFoundException none) {
            networkId = null;
            subnet = null;
        }
    }

    /**
     * Puts both clusters' nodes on the network (once each) and returns {@code target}'s address there.
     * The first call makes the network and admits its subnet on every node of {@code own}.
     */
    synchronized String admit(ContainerNode target, List<ContainerNode> own, List<ContainerNode> subscribers) {
        if (networkId == null) {
            networkId = client.createNetworkCmd().withName(name()).withInternal(true)
                    .withLabels(labels).exec().getId();
            own.forEach(this::join);
            subnet = DockerResources.subnetsOf(client, networkId, name()).get(0);
            own.forEach(this::admitSubnet);
        }
        subscribers.forEach(this::join);
        return target.addressOn(networkId);
    }

    private void join(ContainerNode node) {
        if (node.addressOn(networkId) == null) {
            client.connectToNetworkCmd().withNetworkId(networkId).withContainerId(node.containerId())
                    .withContainerNetwork(new ContainerNetwork()).exec();
        }
    }

    /**
     * The pg_hba.conf lines admitting the network's subnet once it exists (none before): a boot again
     * in place appends them to each fresh copy of the template, as the first boot does the cluster's.
     */
    synchronized List<String> rules() {
        if (subnet == null) {
            return List.of();
        }
        return List.of("", "# hotstandby: servers of other clusters subscribing to this one, on its subscribers network",
                NodeSettings.hostRule("all", subnet));
    }

    /** Appended to the node's own pg_hba.conf (base backups and rewinds carry it on), then reloaded. */
    private void admitSubnet(ContainerNode node) {
        String quoted = rules().stream().map(line -> "'" + line + "'").collect(java.util.stream.Collectors.joining(" "));
        node.exec("printf '%s\\n' " + quoted + " >> \"$PGDATA/pg_hba.conf\"");
        if (node.isServerRunning()) {
            try {
                node.query("SELECT pg_reload_conf()");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(node.name() + ": cannot reload pg_hba.conf: " + e.getMessage(), e);
            }
        }
    }

    /** Disconnects every container still on it (a subscriber's, too), then removes it. */
    synchronized void remove(List<String> problems) {
        if (networkId == null) {
            return;
        }
        try {
            Map<String, ?> attached = client.inspectNetworkCmd().withNetworkId(networkId).exec().getContainers();
            if (attached != null) {
                attached.keySet().forEach(container -> client.disconnectFromNetworkCmd().withNetworkId(networkId)
                        .withContainerId(container).withForce(true).exec());
            }
            client.removeNetworkCmd(networkId).exec();
        } catch (RuntimeException e) {
            problems.add("network " + name() + ": " + e.getMessage());
        }
    }

    private String name() {
        return "hotstandby-" + clusterId + "-subscribers";
    }
}
