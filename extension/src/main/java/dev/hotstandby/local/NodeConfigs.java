package dev.hotstandby.local;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresMajor;
import dev.hotstandby.config.ConfigFiles;
import java.nio.file.Path;
import java.util.ArrayList;
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

    NodeConfigs(ClusterSpec spec, int major, Path sockets, Path archive, Map<LocalNode, LocalNode> upstreams) {
        this.spec = spec;
        this.major = major;
        this.sockets = sockets;
        this.archive = archive;
        this.upstreams = upstreams;
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

    /** What this cluster's options add to a node's node.conf. */
    List<String> nodeSettings(LocalNode node) {
        List<String> settings = new ArrayList<>();
        if (node.isPrimary()) {
            settings.addAll(synchronousSettings(node));
        } else if (!PostgresMajor.usesRecoveryConf(major)) {
            settings.add(LocalNode.setting("include", LocalNode.quote(ConfigFiles.STANDBY_CONF), "what makes this node a standby"));
            if (spec.replication().replicationSlots()) {
                settings.add(LocalNode.setting("primary_slot_name", LocalNode.quote(slotName(node)),
                        "replicationSlots = true: the upstream keeps the WAL this standby still needs"));
            }
        }
        if (spec.replication().archiving()) {
            String archive = this.archive.toString();
            settings.add(LocalNode.setting("archive_mode", "on", "archiving = true (a standby archives once promoted)"));
            settings.add(LocalNode.setting("archive_command", LocalNode.quote("test ! -f " + archive + "/%f && cp %p "
                    + archive + "/%f"), "into the cluster's archive, never overwriting a segment"));
            settings.add(LocalNode.setting("restore_command", LocalNode.quote("cp " + archive + "/%f %p"),
                    "a standby takes from the archive what streaming cannot give it"));
        }
        return settings;
    }

    Path archive() {
        return archive;
    }

    static String slotName(LocalNode standby) {
        return standby.name().replace('-', '_');
    }

    /**
     * With synchronous = true, the standbys streaming from the primary confirm each commit
     * (all of them unless a quorum says otherwise), as far as the commit level says.
     */
    private List<String> synchronousSettings(LocalNode primary) {
        List<String> direct = upstreams.entrySet().stream()
                .filter(entry -> entry.getKey().isStandby() && entry.getValue() == primary)
                .map(entry -> entry.getKey().name()).sorted().toList();
        if (!spec.synchronous() || direct.isEmpty()) {
            return List.of();
        }
        return List.of(
                LocalNode.setting("synchronous_standby_names",
                        LocalNode.quote(spec.replication().quorum().synchronousStandbyNames(direct)),
                        "synchronous = true: standbys confirm each commit"),
                LocalNode.setting("synchronous_commit", spec.replication().commitLevel().setting(),
                        "how far they take it before the commit returns"));
    }

    /** Points a standby at its upstream, through the upstream's private socket. */
    void writeStandbySettings(LocalNode standby, LocalNode upstream) {
        Map<String, String> values = Map.of("primary_host", sockets.toString(), "primary_port",
                String.valueOf(upstream.port()), "user", TemplateCache.SUPERUSER, "name", standby.name());
        standby.write(standby.dataDir().resolve(ConfigFiles.standbyFileName(major)),
                ConfigFiles.packaged().standbySettings(major, values));
    }
}
