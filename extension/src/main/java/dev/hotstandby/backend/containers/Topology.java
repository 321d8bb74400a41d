package dev.hotstandby.backend.containers;

import dev.hotstandby.engine.NodeRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's nodes and who streams from whom. Roles live on the nodes; this keeps the order
 * (primary first, then the standbys by index, for good) and each standby's upstream, which failover
 * and rejoin rewire.
 */
final class Topology {
    private final List<ContainerNode> nodes = new ArrayList<>();
    /** Which node each standby streams from: the primary, or another standby when cascading. */
    private final Map<ContainerNode, ContainerNode> upstreams = new ConcurrentHashMap<>();

    void add(ContainerNode node) {
        nodes.add(node);
    }

    void streamFrom(ContainerNode standby, ContainerNode upstream) {
        upstreams.put(standby, upstream);
    }

    List<ContainerNode> nodes() {
        return List.copyOf(nodes);
    }

    ContainerNode primary() {
        return nodes.stream().filter(ContainerNode::isPrimary).findFirst()
                .orElseThrow(() -> new IllegalStateException("the cluster has no primary"));
    }

    List<ContainerNode> standbys() {
        return nodes.stream().filter(ContainerNode::isStandby).toList();
    }

    ContainerNode upstreamOf(ContainerNode standby) {
        return upstreams.get(standby);
    }

    /** The standbys streaming from {@code upstream} itself, not through a cascade. */
    List<ContainerNode> followersOf(ContainerNode upstream) {
        return standbys().stream().filter(node -> upstreams.get(node) == upstream).toList();
    }

    /**
     * After {@code promoted} took over from {@code former}: neither streams any more, and whoever
     * streamed from either now streams from the new primary.
     */
    void promoted(ContainerNode promoted, ContainerNode former) {
        former.setRole(ContainerNode.Role.FORMER_PRIMARY);
        promoted.setRole(ContainerNode.Role.PRIMARY);
        upstreams.remove(promoted);
        upstreams.remove(former);
        upstreams.replaceAll((standby, upstream) -> upstream == former || upstream == promoted ? promoted : upstream);
    }

    /** A node of this cluster as the caller passed it; anything else is the caller's mistake. */
    ContainerNode own(NodeRuntime node) {
        if (node instanceof ContainerNode container && nodes.contains(container)) {
            return container;
        }
        throw new IllegalArgumentException(node.name() + " is not a node of this cluster");
    }
}
