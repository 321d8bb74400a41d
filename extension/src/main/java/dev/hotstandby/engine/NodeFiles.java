package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresMajor;
import dev.hotstandby.ServerSettings;
import dev.hotstandby.config.ConfigFiles;
import dev.hotstandby.config.ReplicationSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What gives a node its place in the topology, for every backend: node.conf (the backend's identity
 * lines, then the replication settings the cluster's options add, then the include of user.conf),
 * user.conf (the test's own settings: those of every node, plus a standby's own on standbys) and,
 * for a standby, configs/standby.conf rendered to point at its upstream, plus standby.signal
 * (recovery.conf on 11 and older). Rewritten whenever promotion or rejoin changes the topology.
 */
public final class NodeFiles {
    public static final String NODE_CONF = "node.conf";
    /** The test's settings ({@code settings}, {@code standbySettings}); node.conf includes it last, so they win. */
    public static final String USER_CONF = "user.conf";

    private final ClusterSpec spec;
    private final Topology topology;
    private final String replicationUser;
    /** Promoted standbys keep their standby lines: see {@link #nodeConf}. */
    private final Set<BackendNode> promoted = ConcurrentHashMap.newKeySet();
    /** Per promoted node, the standby settings it keeps since they need a restart to change: see {@link #userConf}. */
    private final Map<BackendNode, Set<String>> keptStandbySettings = new ConcurrentHashMap<>();
    /** With failover slots: the standbys' slot sync workers run (see {@link #slotsExist}). */
    private volatile boolean slotSync;

    /** Where each standby dials its upstream: the backend decides (the local one relays every link). */
    private final BiFunction<BackendNode, BackendNode, LinkAddress> links;

    NodeFiles(ClusterSpec spec, Topology topology, String replicationUser,
              BiFunction<BackendNode, BackendNode, LinkAddress> links) {
        this.spec = spec;
        this.topology = topology;
        this.replicationUser = replicationUser;
        this.links = links;
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
        List<String> lines = topology.isStandby(node) ? replication.forStandby(node.name(), slotSync)
                : replication.forPrimary(topology.followersOf(node).stream().map(BackendNode::name).toList());
        lines.forEach(line -> conf.append(line).append('\n'));
        if (topology.isPrimary(node) && promoted.contains(node)) {
            conf.append("# kept since its promotion: a primary ignores them; removing them would need a restart\n");
            replication.standbyIdentity(node.name()).forEach(line -> conf.append(line).append('\n'));
        }
        conf.append(ReplicationSettings.line("include_if_exists", ReplicationSettings.quote(USER_CONF),
                "last, so the test's own settings win: settings = ..., standbySettings = ...")).append('\n');
        return conf.toString();
    }

    /**
     * The test's settings for this node's role: every node's, then on a standby its own. A promoted
     * node loses its standby settings, except those PostgreSQL applies only at a server start
     * (context {@code postmaster}, such as max_connections): the new primary keeps running with them,
     * and a reload that removed them would only log that they "cannot be changed without restarting".
     */
    public String userConf(BackendNode node) {
        ServerSettings settings = spec.settings();
        StringBuilder conf = new StringBuilder("# Written by hotstandby for ").append(node.name())
                .append(": the test's own settings; node.conf includes this file last.\n");
        settings.everyNode().forEach((name, value) -> conf.append(name).append(" = ").append(value)
                .append("\t# settings: every node\n"));
        if (topology.isStandby(node)) {
            settings.standbysOnly().forEach((name, value) -> conf.append(name).append(" = ").append(value)
                    .append("\t# standbySettings: standbys only\n"));
        } else {
            Set<String> kept = keptStandbySettings.getOrDefault(node, Set.of());
            settings.standbysOnly().forEach((name, value) -> {
                if (kept.contains(name)) {
                    conf.append(name).append(" = ").append(value).append("\t# standbySettings, kept since the promotion:"
                            + " it changes only with a restart\n");
                }
            });
        }
        return conf.toString();
    }

    /** configs/standby.conf (or recovery.conf) pointing {@code standby} at {@code upstream}. */
    public String standbySettings(BackendNode standby, BackendNode upstream) {
        LinkAddress link = links.apply(standby, upstream);
        return ConfigFiles.packaged().standbySettings(spec.major(), Map.of(
                "primary_host", link.host(), "primary_port", String.valueOf(link.port()),
                "user", replicationUser, "name", standby.name(), "dbname", ReplicationSettings.conninfoDbname(spec)));
    }

    /** Every file a node's role needs beside its data, by name in the data directory. */
    public Map<String, String> filesFor(BackendNode node) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(NODE_CONF, nodeConf(node));
        files.put(USER_CONF, userConf(node));
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

    void rewriteUserConf(BackendNode node) {
        node.writeDataFile(USER_CONF, userConf(node));
    }

    void pointAt(BackendNode standby, BackendNode upstream) {
        standby.writeDataFile(ConfigFiles.standbyFileName(spec.major()), standbySettings(standby, upstream));
    }

    /**
     * {@code restartOnly}: the names among the standby settings that the node, promoted now, applies
     * only at a start; they stay in its user.conf (see {@link #userConf}).
     */
    void promoted(BackendNode node, Set<String> restartOnly) {
        promoted.add(node);
        keptStandbySettings.put(node, Set.copyOf(restartOnly));
    }

    /**
     * The standbys' physical slots exist on the primary: from now on a standby's node.conf turns its
     * slot sync worker on (logical = true, 17+). Before, a worker would fail on the missing slot and be
     * retried only 10 s later.
     */
    void slotsExist() {
        slotSync = true;
    }

    /** As before the first boot: nobody promoted, the slot sync workers off until the slots exist again. */
    void reset() {
        promoted.clear();
        keptStandbySettings.clear();
        slotSync = false;
    }

    void rejoined(BackendNode node) {
        promoted.remove(node);
        keptStandbySettings.remove(node);
    }
}
