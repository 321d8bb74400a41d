package dev.hotstandby.backend.machines;

import static dev.hotstandby.config.ReplicationSettings.quote;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresMajor;
import dev.hotstandby.config.ConfigFiles;
import dev.hotstandby.config.ReplicationSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The files that make a machine's server a member of the cluster, as in the seed: initdb's stock
 * postgresql.conf and pg_hba.conf kept beside the edited ones ({@code *.stock}) so anyone can diff
 * them on the host; the repository's configs/ applied; node.conf with the node's identity; for a
 * standby, configs/standby.conf pointing at its upstream's address.
 */
final class NodeFiles {
    /** The role standbys stream as and base backups are taken with; its password is generated per cluster. */
    static final String REPLICATION_ROLE = "replicator";
    static final String SUPERUSER = "postgres";

    private final ClusterSpec spec;
    private final MachineTopology topology;

    NodeFiles(ClusterSpec spec, MachineTopology topology) {
        this.spec = spec;
        this.topology = topology;
    }

    /** On the primary after initdb: stock copies, then the edited files (every standby copies them). */
    void configurePrimary(MachineNode primary, List<String> memberAddresses) {
        String stockConf = primary.read("data/postgresql.conf");
        String stockHba = primary.read("data/pg_hba.conf");
        primary.write("data/postgresql.conf.stock", stockConf);
        primary.write("data/pg_hba.conf.stock", stockHba);
        primary.write("data/postgresql.conf", String.join("\n", ConfigFiles.packaged().postgresqlConf(ConfigFiles.lines(stockConf))));
        primary.write("data/pg_hba.conf", pgHba(stockHba, memberAddresses));
        rewriteNodeConf(primary);
    }

    void rewriteNodeConf(MachineNode node) {
        node.write("data/node.conf", nodeConf(node));
    }

    void rewriteStandbySettings(MachineNode standby, MachineNode upstream) {
        standby.write("data/" + ConfigFiles.standbyFileName(spec.major()), ConfigFiles.packaged().standbySettings(spec.major(),
                Map.of("primary_host", upstream.address(), "primary_port", String.valueOf(upstream.serverPort()),
                        "user", REPLICATION_ROLE, "name", standby.name())));
    }

    void writeStandbySignal(MachineNode standby) {
        if (!PostgresMajor.usesRecoveryConf(spec.major())) {
            standby.write("data/standby.signal", "");
        }
    }

    /** Everything a standby needs after its data directory came from another node. */
    void configureStandby(MachineNode standby, MachineNode upstream) {
        rewriteNodeConf(standby);
        rewriteStandbySettings(standby, upstream);
        writeStandbySignal(standby);
    }

    private String nodeConf(MachineNode node) {
        ReplicationSettings replication = new ReplicationSettings(spec, node.archiveDir(), WalShipping.archiveCommand(node));
        List<String> replicationLines = node.isPrimary()
                ? replication.forPrimary(topology.followersOf(node).stream().map(MachineNode::name).toList())
                : replication.forStandby(node.name());
        StringBuilder conf = new StringBuilder("# Written by hotstandby (machines backend) for ").append(node.name())
                .append("; included at the end of postgresql.conf.\n");
        conf.append(setting("port", String.valueOf(node.serverPort()), "a port free on this host, beside any cluster of its own"));
        conf.append(setting("listen_addresses", quote("127.0.0.1," + node.address()), "loopback for the tests' SSH"
                + " tunnel, the private address for the other nodes; pg_hba.conf admits only them, with the password"));
        conf.append(setting("unix_socket_directories", quote(node.runDir()), "this cluster's own directory, not the distribution's"));
        conf.append(setting("cluster_name", quote(node.name()), "names the server in ps and in its log"));
        conf.append(setting("log_line_prefix", quote("%m [%p] " + node.name() + ": "), "every log line names the node"));
        conf.append(setting("wal_sender_timeout", quote("5s"), "disconnect() drops packets with iptables: a WAL sender"
                + " notices a cut-off standby after this long (60 s by default)"));
        conf.append(setting("wal_receiver_timeout", quote("5s"), "... and a WAL receiver notices the cut after this long"));
        replicationLines.forEach(line -> conf.append(line).append('\n'));
        return conf.toString();
    }

    /**
     * initdb's rules with the repository's block applied, then one rule per cluster member's address:
     * replication as the replication role, and the superuser for pg_rewind of a former primary.
     */
    private static String pgHba(String stock, List<String> memberAddresses) {
        List<String> lines = new ArrayList<>(ConfigFiles.packaged().pgHbaConf(ConfigFiles.lines(stock)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        lines.add("");
        lines.add("# hotstandby (machines backend): the cluster's members, each by its own address, with the generated");
        lines.add("# passwords: standbys stream as " + REPLICATION_ROLE + "; pg_rewind of a former primary reads the new one as "
                + SUPERUSER + ".");
        for (String address : memberAddresses) {
            String cidr = address + (address.contains(":") ? "/128" : "/32");
            lines.add(String.format("%-7s %-15s %-15s %-23s %s", "host", "replication", REPLICATION_ROLE, cidr, "scram-sha-256"));
            lines.add(String.format("%-7s %-15s %-15s %-23s %s", "host", "postgres", SUPERUSER, cidr, "scram-sha-256"));
        }
        lines.add("");
        return String.join("\n", lines);
    }

    private static String setting(String key, String value, String why) {
        return ReplicationSettings.line(key, value, why) + "\n";
    }
}
