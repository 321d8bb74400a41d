package dev.hotstandby.backend.containers;

import static dev.hotstandby.config.ReplicationSettings.line;
import static dev.hotstandby.config.ReplicationSettings.quote;

import dev.hotstandby.config.ConfigFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What this backend writes beside the repository's configs/: each node's identity (node.conf,
 * included at the end of postgresql.conf) and the pg_hba.conf rules for the cluster's Docker networks.
 */
final class NodeSettings {
    /** Inside its container every node listens on PostgreSQL's own port; Docker maps it to a free host port. */
    static final int PORT = 5432;
    /** Where the shared WAL archive volume is mounted in every container (archiving = true). */
    static final String ARCHIVE = "/hotstandby-archive";
    /**
     * The official image appends {@code host all all all <method>} to pg_hba.conf after initdb: a
     * rule for every address. It is not initdb's, so it is not part of the stock file the repository's
     * block applies to; this backend admits the cluster's network only.
     */
    private static final Pattern IMAGE_CATCH_ALL = Pattern.compile("^\\s*host\\s+all\\s+all\\s+all\\s+\\S+\\s*$");

    private NodeSettings() {
    }

    /** The node's identity lines of node.conf; the engine adds the replication settings after them. */
    static List<String> identity(String name) {
        return List.of(
                line("port", String.valueOf(PORT), "the port inside the container; Docker maps it to a free port"),
                line("listen_addresses", quote("*"), "the container's own interfaces: the cluster's Docker"
                        + " network and Docker's port mapping arrive there; pg_hba.conf admits that network only, with the password"),
                line("cluster_name", quote(name), "names the server in ps and in its log"),
                line("log_line_prefix", quote("%m [%p] " + name + ": "), "every log line names the node"),
                line("wal_sender_timeout", quote("5s"), "disconnect() is a real network partition here: a WAL"
                        + " sender notices a cut-off standby after this long (60 s by default)"),
                line("wal_receiver_timeout", quote("5s"), "... and a standby's WAL receiver notices the cut"
                        + " after this long, then retries every wal_retrieve_retry_interval"));
    }

    /**
     * initdb's pg_hba.conf with the repository's block applied, as a template image keeps it; each
     * cluster appends {@link #clusterRules} for its own networks.
     */
    static List<String> templatePgHbaConf(List<String> initdbFile) {
        List<String> stock = initdbFile.stream().filter(line -> !IMAGE_CATCH_ALL.matcher(line).matches()).toList();
        List<String> lines = new ArrayList<>(ConfigFiles.packaged().pgHbaConf(stock));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        lines.add("");
        return lines;
    }

    /**
     * This backend's rules for the cluster's network, appended to the template's pg_hba.conf: the
     * repository admits TCP from loopback only, but here every connection arrives over Docker's network.
     */
    static List<String> clusterRules(List<String> subnets, boolean dockerHostIsRemote) {
        List<String> lines = new ArrayList<>();
        lines.add("# hotstandby (containers backend): the rules above admit TCP from loopback only. In containers the");
        lines.add("# tests reach each node through Docker's port mapping, which forwards from the gateway of the");
        lines.add("# cluster's own Docker network, and standbys stream from their upstream over that network; so");
        lines.add("# both arrive from its subnet. Only that subnet, and only with the cluster's generated password.");
        for (String subnet : subnets) {
            lines.add(hostRule("all", subnet));
            lines.add(hostRule("replication", subnet));
        }
        if (dockerHostIsRemote) {
            lines.add("# The Docker daemon runs on another machine: its port mapping keeps the test JVM's own address,");
            lines.add("# which no subnet rule can name; any address, still only with the generated password.");
            lines.add(hostRule("all", "all"));
        }
        lines.add("");
        return lines;
    }

    /** A pg_hba.conf rule admitting every user to {@code database} from {@code address}, with the password only. */
    static String hostRule(String database, String address) {
        return String.format("%-7s %-15s %-15s %-23s %s", "host", database, "all", address, "scram-sha-256");
    }
}
