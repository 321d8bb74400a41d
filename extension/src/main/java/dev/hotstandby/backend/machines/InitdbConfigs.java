package dev.hotstandby.backend.machines;

import dev.hotstandby.config.ConfigFiles;
import java.util.ArrayList;
import java.util.List;

/**
 * The primary's edited configuration after initdb, as in the seed: initdb's stock postgresql.conf
 * and pg_hba.conf kept beside the edited ones ({@code *.stock}) so anyone can diff them on the
 * host; the repository's configs/ applied; pg_hba.conf narrowed to the cluster's members. Every
 * standby's base backup copies them; node.conf and the standby files are the engine's.
 */
final class InitdbConfigs {
    private InitdbConfigs() {
    }

    /** {@code slotSync}: the standbys' slot sync workers (failover slots, 17+) read the primary's postgres database. */
    static void apply(MachineNode primary, List<String> memberAddresses, boolean slotSync) {
        String stockConf = primary.read("data/postgresql.conf");
        String stockHba = primary.read("data/pg_hba.conf");
        primary.write("data/postgresql.conf.stock", stockConf);
        primary.write("data/pg_hba.conf.stock", stockHba);
        primary.write("data/postgresql.conf", String.join("\n", ConfigFiles.packaged().postgresqlConf(ConfigFiles.lines(stockConf))));
        primary.write("data/pg_hba.conf", pgHba(stockHba, memberAddresses, slotSync));
    }

    /**
     * initdb's rules with the repository's block applied, then one rule per cluster member's address:
     * replication as the replication role, and the superuser for pg_rewind of a former primary; with
     * slot sync, the replication role's connection to the postgres database too.
     */
    private static String pgHba(String stock, List<String> memberAddresses, boolean slotSync) {
        List<String> lines = new ArrayList<>(ConfigFiles.packaged().pgHbaConf(ConfigFiles.lines(stock)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        lines.add("");
        lines.add("# hotstandby (machines backend): the cluster's members, each by its own address, with the generated");
        lines.add("# passwords: standbys stream as " + MachineCluster.REPLICATION_ROLE + "; pg_rewind of a former primary reads"
                + " the new one as " + MachineCluster.SUPERUSER + (slotSync ? "; standbys' slot sync workers read the"
                + " failover slots as " + MachineCluster.REPLICATION_ROLE + " from the postgres database." : "."));
        for (String address : memberAddresses) {
            String cidr = address + (address.contains(":") ? "/128" : "/32");
            lines.add(String.format("%-7s %-15s %-15s %-23s %s", "host", "replication", MachineCluster.REPLICATION_ROLE, cidr,
                    "scram-sha-256"));
            lines.add(String.format("%-7s %-15s %-15s %-23s %s", "host", "postgres", MachineCluster.SUPERUSER, cidr,
                    "scram-sha-256"));
            if (slotSync) {
                lines.add(String.format("%-7s %-15s %-15s %-23s %s", "host", "postgres", MachineCluster.REPLICATION_ROLE,
                        cidr, "scram-sha-256"));
            }
        }
        lines.add("");
        return String.join("\n", lines);
    }
}
