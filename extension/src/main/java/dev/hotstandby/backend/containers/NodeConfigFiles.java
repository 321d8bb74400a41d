package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresMajor;
import dev.hotstandby.config.ConfigFiles;
import dev.hotstandby.config.ReplicationSettings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.images.builder.Transferable;

/**
 * The files that give a node its place in the topology: node.conf (its identity, then the
 * replication settings every backend shares) and, for a standby, configs/standby.conf rendered to
 * point at its upstream by name over the cluster's network. Staged before a standby's first start;
 * rewritten in the data directory when failover or rejoin changes the topology.
 */
final class NodeConfigFiles {
    private final int major;
    private final Topology topology;
    private final ReplicationSettings replication;

    NodeConfigFiles(ClusterSpec spec, Topology topology) {
        this.major = spec.major();
        this.topology = topology;
        this.replication = new ReplicationSettings(spec, NodeSettings.ARCHIVE);
    }

    String nodeConf(ContainerNode node) {
        List<String> replicationLines = node.isPrimary()
                ? replication.forPrimary(topology.followersOf(node).stream().map(ContainerNode::name).toList())
                : replication.forStandby(node.name());
        return NodeSettings.nodeConf(node.name(), replicationLines);
    }

    /**
     * What the standby's node.sh installs after its base backup (which copied the upstream's own
     * files): its identity and standby settings.
     */
    void stageForFirstStart(ContainerNode standby, ContainerNode upstream) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("node.conf", nodeConf(standby));
        files.put(ConfigFiles.standbyFileName(major), standbySettings(standby, upstream));
        if (!PostgresMajor.usesRecoveryConf(major)) {
            files.put("standby.signal", "");
        }
        files.forEach((file, content) -> standby.container().withCopyToContainer(
                Transferable.of(content.getBytes(StandardCharsets.UTF_8), 0644), NodeContainers.SCRIPTS + "/standby/" + file));
        standby.container().withEnv("HOTSTANDBY_UPSTREAM", upstream.name());
    }

    void rewriteNodeConf(ContainerNode node) {
        write(node, "node.conf", nodeConf(node));
    }

    /** Re-points a standby at {@code upstream}; the server reads it at its next reload or start. */
    void rewriteStandbySettings(ContainerNode standby, ContainerNode upstream) {
        write(standby, ConfigFiles.standbyFileName(major), standbySettings(standby, upstream));
    }

    /** standby.signal, from 12 on; before, recovery.conf itself makes the server a standby. */
    void writeStandbySignal(ContainerNode standby) {
        if (!PostgresMajor.usesRecoveryConf(major)) {
            write(standby, "standby.signal", "");
        }
    }

    private String standbySettings(ContainerNode standby, ContainerNode upstream) {
        return ConfigFiles.packaged().standbySettings(major, Map.of("primary_host", upstream.name(),
                "primary_port", String.valueOf(NodeSettings.PORT), "user", NodeConnections.SUPERUSER, "name", standby.name()));
    }

    /**
     * Replaces a file in the node's data directory, owned by the server's user. Through the shell, not
     * Docker's archive API, which cannot write into a tmpfs mount.
     */
    private static void write(ContainerNode node, String name, String content) {
        String encoded = Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8));
        node.exec("f=\"$PGDATA/" + name + "\" && printf '%s' '" + encoded + "' | base64 -d > \"$f.new\""
                + " && chown \"$(stat -c %u:%g \"$PGDATA\")\" \"$f.new\" && chmod 600 \"$f.new\" && mv \"$f.new\" \"$f\"");
    }
}
