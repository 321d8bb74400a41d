package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresMajor;
import dev.hotstandby.config.ConfigFiles;
import dev.hotstandby.config.ReplicationSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What gives a node its place in the topology, for every backend: node.conf (the backend's identity
 * lines, then the replication settings the cluster's options add) and, for a standby,
 * configs/standby.conf rendered to point at its upstream, plus standby.signal (recovery.conf on 11
 * and older). Rewritten whenever promotion or rejoin changes the topology.
 */
public final class NodeFiles {
    public static final String NODE_CONF = "node.conf";

    private final ClusterSpec spec;
    private final Topology topology;
    private final String replicationUser;
    /** Promoted standbys keep their standby lines: see {@link #nodeConf}. */
    private final Set<BackendNode> promoted = ConcurrentHashMap.newKeySet();

    NodeFiles(ClusterSpec spec, Topology topology, String replicationUser) {
        this.spec = spec;
        this.topology = topology;
        this.replicationUser = replicationUser;
    }

    /**
     * A primary's lines name its direct standbys (for synchronous_standby_names). A promoted node
     * keeps including its standby settings: a primary ignores them, and a reload that removed them
     * would log that recovery_target_timeline "cannot be changed without restarting the server".
     */
    public String nodeConf(BackendNode node) {
        ReplicationSettings replication = new ReplicationSettings(spec, node.archiveDirectory(), node.archiveCommand());
        StringBuilder conf = new StringBuilder("# Written by hotstandby for ").append(node.name())
                .append("; included at the end of postgresql.conf.\n");
        node.identitySettings().forEach(line -> conf.append(line).append('\n'));
        List<String> lines = topology.isStandby(node) ? replication.forStandby(node.name())
                : replication.forPrimary(topology.followersOf(node).stream().map(BackendNode::name).toList());
        lines.forEach(line -> conf.append(line).append('\n'));
        if (topology.isPrimary(node) && promoted.contains(node)) {
            conf.append("# kept since its promotion: a primary ignores them; removing them would need a restart\n");
            replication.standbyIdentity(node.name()).forEach(line -> conf.append(line).append('\n'));
        }
        return conf.toString();
    }

    /** configs/standby.conf (or recovery.conf) pointing {@code standby} at {@code upstream}. */
    public String standbySettings(BackendNode standby, BackendNode upstream) {
        return ConfigFiles.packaged().standbySettings(spec.major(), Map.of(
                "primary_host", upstream.replicationHost(), "primary_port", String.valueOf(upstream.replicationPort()),
                "user", replicationUser, "name", standby.name()));
    }

    /** Every file a node's role needs beside its data, by name in the data directory. */
    public Map<String, String> filesFor(BackendNode node) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(NODE_CONF, nodeConf(node));
        if (topology.isStandby(node)) {
            files.put(ConfigFiles.standbyFileName(spec.major()), standbySettings(node, topology.upstreamOf(node)));
            if (!PostgresMajor.usesRecoveryConf(spec.major())) {
                files.put("standby.signal", "");
            }
        }
        return files;
    }

    /** Writes {@link #filesFor} into the node's data directory. */
    public void configure(BackendNode node) {
        filesFor(node).forEach(node::writeDataFile);
    }

    void rewriteNodeConf(BackendNode node) {
        node.writeDataFile(NODE_CONF, nodeConf(node));
    }

    void pointAt(BackendNode standby, BackendNode upstream) {
        standby.writeDataFile(ConfigFiles.standbyFileName(spec.major()), standbySettings(standby, upstream));
    }

    void promoted(BackendNode node) {
        promoted.add(node);
    }

    void rejoined(BackendNode node) {
        promoted.remove(node);
    }
}
