package dev.hotstandby.benchmark;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** What every benchmark here measures and how it summarises runs. */
final class PairTiming {
    private PairTiming() {
    }

    /** Nanoseconds from {@code start()} until a row committed on the primary is readable on the standby. */
    static long untilReplicatedRow(Backend backend) throws SQLException {
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

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** Each run in milliseconds, for the eye to judge the spread. */
    static String millis(List<Long> values) {
        return values.stream().map(v -> String.format("%.0f", v / 1e6)).toList().toString();
    }
}
