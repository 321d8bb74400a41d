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
 * What the replication link relays cost when no fault is set, on the local backend or (with
 * {@code -Dhotstandby.backend=containers}) the containers one: start -> row readable on the
 * standby, and commit -> visible on the standby, with the relays and with direct links
 * ({@code -Dhotstandby.<backend>.directLinks=true}, as before the relays), alternating in one JVM so
 * both see the same noise. Not a test: run it with the command in docs/benchmarks.md.
 */
public final class LinkRelayBenchmark {
    private static final Backend BACKEND = Backend.valueOf(
            System.getProperty("hotstandby.backend", "local").trim().toUpperCase(java.util.Locale.ROOT));
    private static final String DIRECT = "hotstandby." + BACKEND.name().toLowerCase(java.util.Locale.ROOT) + ".directLinks";

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int commits = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        direct(false);
        PairTiming.untilReplicatedRow(BACKEND);
        direct(true);
        PairTiming.untilReplicatedRow(BACKEND);
        List<Long> startRelayed = new ArrayList<>();
        List<Long> startDirect = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            direct(false);
            startRelayed.add(PairTiming.untilReplicatedRow(BACKEND));
            direct(true);
            startDirect.add(PairTiming.untilReplicatedRow(BACKEND));
        }
        direct(false);
        List<Long> visibleRelayed = commitToVisible(commits);
        direct(true);
        List<Long> visibleDirect = commitToVisible(commits);
        System.clearProperty(DIRECT);

        long startR = PairTiming.median(startRelayed);
        long startD = PairTiming.median(startDirect);
        long visibleR = PairTiming.median(visibleRelayed);
        long visibleD = PairTiming.median(visibleDirect);
        System.out.printf("Backend.%s, runs: %d starts, %d commits each way%n", BACKEND, runs, commits);
        System.out.printf("start -> row on standby, relayed: median %.1f ms %s%n", startR / 1e6, PairTiming.millis(startRelayed));
        System.out.printf("start -> row on standby, direct:  median %.1f ms %s%n", startD / 1e6, PairTiming.millis(startDirect));
        System.out.printf("commit -> visible on standby, relayed: median %.3f ms; direct: median %.3f ms%n",
                visibleR / 1e6, visibleD / 1e6);
        System.out.printf("relay cost: %+.1f ms at start, %+.3f ms per commit; ratios relayed/direct %.3f and %.3f%n",
                (startR - startD) / 1e6, (visibleR - visibleD) / 1e6, (double) startR / startD, (double) visibleR / visibleD);
    }

    private static void direct(boolean direct) {
        System.setProperty(DIRECT, String.valueOf(direct));
    }

    /** Nanoseconds from each commit's return on the primary until its row is readable on the standby. */
    private static List<Long> commitToVisible(int commits) throws SQLException {
        List<Long> nanos = new ArrayList<>();
        try (PostgresCluster cluster = PostgresCluster.builder().backend(BACKEND).standbys(1).start();
             Connection primary = cluster.primary().dataSource().getConnection();
             Connection standby = cluster.standby(0).dataSource().getConnection();
             Statement onPrimary = primary.createStatement();
             Statement onStandby = standby.createStatement()) {
            onPrimary.execute("CREATE TABLE visible (val int)");
            cluster.awaitReplication();
            for (int i = 1; i <= commits; i++) {
                onPrimary.execute("INSERT INTO visible VALUES (" + i + ")");
                long committed = System.nanoTime();
                while (!visible(onStandby, i)) {
                    Thread.onSpinWait();
                }
                nanos.add(System.nanoTime() - committed);
            }
        }
        return nanos;
    }

    private static boolean visible(Statement standby, int value) throws SQLException {
        try (ResultSet row = standby.executeQuery("SELECT 1 FROM visible WHERE val = " + value)) {
            return row.next();
        }
    }
}
