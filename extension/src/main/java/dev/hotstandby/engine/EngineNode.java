package dev.hotstandby.engine;

import java.util.List;

/** A backend's node as the public API sees it, with its role from the cluster's {@link Topology}. */
final class EngineNode implements NodeRuntime {
    private final BackendNode node;
    private final Topology topology;

    EngineNode(BackendNode node, Topology topology) {
        this.node = node;
        this.topology = topology;
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
        return node.host();
    }

    @Override
    public int port() {
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
