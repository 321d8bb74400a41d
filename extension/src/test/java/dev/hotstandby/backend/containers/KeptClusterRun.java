package dev.hotstandby.backend.containers;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.time.Duration;

/**
 * Not a test: one run of {@link KeptClusterTest}, a JVM of its own with {@code hotstandby.reuse=true}.
 * Takes the shared containers cluster of its configuration (database {@code args[0]}) and prints its
 * primary's container (its host name) and server start; then, by {@code args[1]}: {@code keep} only
 * that; {@code faults} drives the links of the attached cluster (a delay, a disconnect while the
 * primary writes, a reconnect) and ends with the standby cut off; {@code promote} writes, checks the
 * standby streams it, and promotes the standby; {@code stop} prints the nodes' roles and stops the
 * cluster for good.
 */
public final class KeptClusterRun {
    private KeptClusterRun() {
    }

    public static void main(String[] args) throws Exception {
        String database = args[0];
        String mode = args[1];
        try (PostgresCluster cluster = ContainersAvailable.builder().standbys(1).database(database).shared(true).start()) {
            PostgresNode primary = cluster.primary();
            PostgresNode standby = cluster.standby(0);
            System.out.println("container=" + ContainersBackendTest.single(primary, "SELECT replace(pg_read_file('/etc/hostname'), E'\\n', '')"));
            System.out.println("server-start=" + ContainersBackendTest.single(primary, "SELECT pg_postmaster_start_time()::text"));
            System.out.println("fingerprint=" + cluster.fingerprint().hashCode());
            if (mode.equals("faults")) {
                cluster.delayLink(standby, Duration.ofMillis(20));
                cluster.disconnect(standby);
                execute(primary, "CREATE TABLE written_while_cut AS SELECT 1 AS val");
                cluster.reconnect(standby);
                cluster.awaitReplication();
                System.out.println("replicated=" + ContainersBackendTest.single(standby, "SELECT count(*) FROM written_while_cut"));
                cluster.disconnect(standby);   // and left so: the JVM ends with the standby cut off
            }
            if (mode.equals("promote")) {
                execute(primary, "CREATE TABLE written_after_attach AS SELECT 1 AS val");
                cluster.awaitReplication();
                System.out.println("replicated=" + ContainersBackendTest.single(standby, "SELECT count(*) FROM written_after_attach"));
                cluster.promote(standby);
                System.out.println("promoted");
            }
            if (mode.equals("stop")) {
                System.out.println("roles=" + ContainersBackendTest.single(primary, "SELECT pg_is_in_recovery()") + " "
                        + ContainersBackendTest.single(standby, "SELECT pg_is_in_recovery()"));
            }
        }
        if (mode.equals("stop")) {
            System.out.println("stopped=" + PostgresCluster.stopIdleSharedClusters());
        }
        System.out.println("done");
    }

    private static void execute(PostgresNode node, String sql) throws java.sql.SQLException {
        try (var connection = node.dataSource().getConnection(); var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
