package dev.hotstandby.backend.local;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.ReplicatedRow;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Run by {@link BinariesOnDemandTest} in a JVM whose Maven settings name only a loopback
 * repository: starts a cluster of the major in {@code args[0]} and prints what ran and what replicated.
 */
public final class BinariesOnDemandMain {
    static final String SERVER_VERSION = "server_version_num: ";
    static final String REPLICATED = "replicated: ";

    private BinariesOnDemandMain() {
    }

    public static void main(String[] args) throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().backend(Backend.LOCAL).version(args[0]).standbys(1).start();
             Connection primary = cluster.primary().dataSource().getConnection();
             Statement statement = primary.createStatement()) {
            try (ResultSet version = statement.executeQuery("SHOW server_version_num")) {
                version.next();
                System.out.println(SERVER_VERSION + version.getString(1));
            }
            statement.execute("CREATE TABLE fetched (v int); INSERT INTO fetched VALUES (16)");
            System.out.println(REPLICATED + ReplicatedRow.on(cluster.standby(0)).await("SELECT v FROM fetched"));
        }
    }
}
