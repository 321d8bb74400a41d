package dev.hotstandby.conformance;

import dev.hotstandby.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of a suite with {@code hotstandby.reuse=true}, as a child JVM of {@link ReuseAcrossRunsTest}:
 * takes the shared cluster of its configuration (database {@code args[0]}), prints what it finds,
 * then, by {@code args[1]}: {@code mark} leaves a marker table, {@code hold} marks and keeps the cluster
 * until killed, {@code look} only looks, {@code stop} looks and stops it for good. Without {@code stop}
 * the end of the JVM hands the cluster to the next run.
 */
public final class ReuseRun {
    private ReuseRun() {
    }

    public static void main(String[] args) throws Exception {
        String database = args[0];
        String mode = args[1];
        try (PostgresCluster cluster = PostgresCluster.builder().describedAs("ReuseRun").standbys(1).database(database)
                .shared(true).start()) {
            try (Connection connection = cluster.primary().dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                System.out.println("server-start=" + single(statement, "SELECT pg_postmaster_start_time()::text"));
                System.out.println("markers=" + markers(statement));
                System.out.println("fingerprint=" + cluster.fingerprint().hashCode());
                if (!mode.equals("look") && !mode.equals("stop")) {
                    statement.execute("CREATE TABLE marker_" + ProcessHandle.current().pid() + " AS SELECT 1 AS val");
                    cluster.awaitReplication();
                    System.out.println("marked");
                }
            }
            if (mode.equals("hold")) {
                System.out.println("holding");
                Thread.sleep(Long.MAX_VALUE);
            }
        }
        if (mode.equals("stop")) {
            System.out.println("stopped " + PostgresCluster.stopIdleSharedClusters());
        }
        System.out.println("done");
    }

    private static String single(Statement statement, String sql) throws Exception {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** The marker tables of the session's database (also for the reliability programs' runs). */
    public static List<String> markers(Statement statement) throws SQLException {
        List<String> markers = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery("SELECT relname FROM pg_class WHERE relname LIKE 'marker_%' ORDER BY 1")) {
            while (rows.next()) {
                markers.add(rows.getString(1));
            }
        }
        return markers;
    }
}
