package dev.hotstandby.benchmark;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.engine.StartupTrace;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One fresh JVM's first cluster, for {@link FreshJvmBenchmark}: primary + 1 standby on the backend
 * {@code -Dhotstandby.backend} names (local by default), a row written on the primary, read back on the standby; prints the time from the start
 * of {@code main()} to that read. With {@code -Dhotstandby.reuse=true} the cluster is shared, so the
 * cluster an earlier run kept is attached, checked and refreshed instead of started.
 */
public final class FirstClusterMain {
    static final String STARTED = "main-entered-nanos: ";
    static final String RESULT = "first-cluster-nanos: ";

    private FirstClusterMain() {
    }

    public static void main(String[] args) throws SQLException {
        long started = System.nanoTime();
        long elapsed;
        // shared with -Dhotstandby.reuse=true: the cluster an earlier JVM kept, attached and refreshed
        boolean shared = Boolean.getBoolean("hotstandby.reuse");
        Backend backend = Backend.valueOf(System.getProperty("hotstandby.backend", "local").trim().toUpperCase(java.util.Locale.ROOT));
        try (PostgresCluster cluster = PostgresCluster.builder().backend(backend).standbys(1).shared(shared).start();
             Connection primary = cluster.primary().dataSource().getConnection();
             Connection standby = connected(cluster.standby(0).dataSource().getConnection());
             Statement onPrimary = primary.createStatement();
             Statement onStandby = standby.createStatement()) {
            onPrimary.execute("CREATE TABLE bench (val int); INSERT INTO bench VALUES (42)");
            StartupTrace.mark("row written on primary");
            while (!rowVisible(onStandby)) {
                Thread.onSpinWait();
            }
            elapsed = System.nanoTime() - started;
            StartupTrace.mark("row read on standby");
        }
        System.out.println(STARTED + started);
        System.out.println(RESULT + elapsed);
    }

    private static Connection connected(Connection standby) {
        StartupTrace.mark("connections opened");
        return standby;
    }

    private static boolean rowVisible(Statement standby) {
        try (ResultSet rows = standby.executeQuery("SELECT val FROM bench")) {
            return rows.next();
        } catch (SQLException tableNotReplicatedYet) {
            return false;
        }
    }
}
