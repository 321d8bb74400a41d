package dev.hotstandby.backend.local;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresMajor;
import dev.hotstandby.config.ConfigFiles;
import dev.hotstandby.config.ReplicationSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What each node of one cluster gets beside the template's files: its node.conf (identity and the
 * cluster's options), and for a standby standby.conf rendered from configs/ plus standby.signal
 * (recovery.conf on 11 and older). Rewritten whenever the topology changes.
 */
final class NodeConfigs {
    private final ClusterSpec spec;
    private final int major;
    private final Path sockets;
    private final Path archive;
    /** Which node each standby streams from; shared with the cluster, which changes it on failover. */
    private final Map<LocalNode, LocalNode> upstreams;
    private final ReplicationSettings replication;

    NodeConfigs(ClusterSpec spec, int major, Path sockets, Path archive, Map<LocalNode, LocalNode> upstreams) {
        this.spec = spec;
        this.major = major;
        this.sockets = sockets;
        this.archive = archive;
        this.upstreams = upstreams;
        this.replication = new ReplicationSettings(spec, archive.toString());
    }

    void configure(LocalNode node) {
        node.writeNodeConf(sockets, nodeSettings(node));
        if (node.isStandby()) {
            writeStandbySettings(node, upstreams.get(node));
            if (!PostgresMajor.usesRecoveryConf(major)) {
                node.write(node.dataDir().resolve("standby.signal"), "");
            }
        }
    }

    /** What this cluster's options add to a node's node.conf: the settings every backend shares. */
    List<String> nodeSettings(LocalNode node) {
        return node.isPrimary() ? replication.forPrimary(directStandbyNames(node)) : replication.forStandby(node.name());
    }

    Path archive() {
        return archive;
    }

    static String slotName(LocalNode standby) {
        return ReplicationSettings.slotName(standby.name());
    }

    /** The standbys streaming from the primary itself: only they can confirm its commits. */
    private List<String> directStandbyNames(LocalNode primary) {
        return upstreams.entrySet().stream()
                .filter(entry -> entry.getKey().isStandby() && entry.getValue() == primary)
                .map(entry -> entry.getKey().name()).toList();
    }

    /** Points a standby at its upstream, through the upstream's private socket. */
    void writeStandbySettings(LocalNode standby, LocalNode upstream) {
        Map<String, String> values = Map.of("primary_host", sockets.toString(), "primary_port",
                String.valueOf(upstream.port()), "user", TemplateCache.SUPERUSER, "name", standby.name());
        standby.write(standby.dataDir().resolve(ConfigFiles.standbyFileName(major)),
                ConfigFiles.packaged().standbySettings(major, values));
    }
}
