package dev.hotstandby.benchmark;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Time from {@code start()} to "a row committed on the primary is readable on the standby", for a
 * primary with one standby on the containers backend (image present), side by side in the same
 * JVM with the same on the local backend. Runs alternate so both see the same machine noise; one
 * warm-up of each is not counted. Not a test: run it with the command in the README. The image and
 * major come from {@code -Dhotstandby.image} and {@code -Dhotstandby.version} as for any cluster.
 */
public final class ContainersBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        pairUntilReplicatedRow(Backend.CONTAINERS);
        pairUntilReplicatedRow(Backend.LOCAL);
        List<Long> containers = new ArrayList<>();
        List<Long> local = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            containers.add(pairUntilReplicatedRow(Backend.CONTAINERS));
            local.add(pairUntilReplicatedRow(Backend.LOCAL));
        }
        long containersMedian = median(containers);
        long localMedian = median(local);
        System.out.printf("runs: %d, image %s, PostgreSQL %s%n", runs,
                System.getProperty("hotstandby.image", "postgres:<major>"), System.getProperty("hotstandby.version", "default"));
        System.out.printf("containers primary + 1 standby, start -> row readable on standby: median %7.1f ms %s%n",
                containersMedian / 1e6, millis(containers));
        System.out.printf("local      primary + 1 standby, start -> row readable on standby: median %7.1f ms %s%n",
                localMedian / 1e6, millis(local));
        System.out.printf("ratio (containers / local): %.1f%n", (double) containersMedian / localMedian);
    }

    private static long pairUntilReplicatedRow(Backend backend) throws SQLException {
        long started = System.nanoTime();
        try (PostgresCluster cluster = PostgresCluster.builder().backend(backend).standbys(1).start();
             Connection primary = cluster.primary().dataSource().getConnection();
             Connection standby = cluster.standby(0).dataSource().getConnection();
             Statement onPrimary = primary.createStatement();
             Statement onStandby = standby.createStatement()) {
            onPrimary.execute("CREATE TABLE bench (val int); INSERT INTO bench VALUES (42)");
            while (!rowVisible(onStandby)) {
                Thread.onSpinWait();
            }
            return System.nanoTime() - started;
        }
    }

    private static boolean rowVisible(Statement standby) {
        try (ResultSet rows = standby.executeQuery("SELECT val FROM bench")) {
            return rows.next();
        } catch (SQLException tableNotReplicatedYet) {
            return false;
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String millis(List<Long> values) {
        return values.stream().map(v -> String.format("%.0f", v / 1e6)).toList().toString();
    }
}
