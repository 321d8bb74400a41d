package dev.hotstandby.engine;

import java.util.List;

/** A backend's node as the public API sees it, with its role from the cluster's {@link Topology}. */
final class EngineNode implements NodeRuntime {
    private final BackendNode node;
    private final Topology topology;
    /** Null without {@code clientFaults}. */
    private final ClientRelays clients;

    EngineNode(BackendNode node, Topology topology, ClientRelays clients) {
        this.node = node;
        this.topology = topology;
        this.clients = clients;
    }

    BackendNode backendNode() {
        return node;
    }

    @Override
    public String name() {
        return node.name();
    }

    @Override
    public String host() {
        return clients == null ? node.host() : "127.0.0.1";
    }

    @Override
    public int port() {
        return clients == null ? node.port() : clients.port(node);
    }

    @Override
    public String controlHost() {
        return node.host();
    }

    @Override
    public int controlPort() {
        return node.port();
    }

    @Override
    public boolean isPrimary() {
        return topology.isPrimary(node);
    }

    @Override
    public boolean isStandby() {
        return topology.isStandby(node);
    }

    @Override
    public List<String> logTail(int lines) {
        return node.logTail(lines);
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
