package dev.hotstandby.backend.machines;

import dev.hotstandby.engine.NodeRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The cluster's nodes (primary first, then standbys by index, for good) and who streams from whom. */
final class MachineTopology {
    private final List<MachineNode> nodes = new ArrayList<>();
    private final Map<MachineNode, MachineNode> upstreams = new ConcurrentHashMap<>();

    synchronized void add(MachineNode node) {
        nodes.add(node);
    }

    void streamFrom(MachineNode standby, MachineNode upstream) {
        upstreams.put(standby, upstream);
    }

    synchronized List<MachineNode> nodes() {
        return List.copyOf(nodes);
    }

    MachineNode primary() {
        return nodes().stream().filter(MachineNode::isPrimary).findFirst()
                .orElseThrow(() -> new IllegalStateException("the cluster has no primary"));
    }

    MachineNode upstreamOf(MachineNode standby) {
        return upstreams.get(standby);
    }

    /** The standbys streaming from {@code upstream} itself, not through a cascade. */
    List<MachineNode> followersOf(MachineNode upstream) {
        return nodes().stream().filter(MachineNode::isStandby).filter(node -> upstreams.get(node) == upstream).toList();
    }

    /** Whoever streamed from the former primary or the promoted standby now streams from the promoted one. */
    void promoted(MachineNode promoted, MachineNode former) {
        former.setRole(MachineNode.Role.FORMER_PRIMARY);
        promoted.setRole(MachineNode.Role.PRIMARY);
        upstreams.remove(promoted);
        upstreams.remove(former);
        upstreams.replaceAll((standby, upstream) -> upstream == former || upstream == promoted ? promoted : upstream);
    }

    MachineNode own(NodeRuntime node) {
        if (node instanceof MachineNode machine && nodes().contains(machine)) {
            return machine;
        }
        throw new IllegalArgumentException(node.name() + " is not a node of this cluster");
    }
}
