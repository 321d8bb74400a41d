package dev.hotstandby.benchmark;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a refresh of a shared 1+2 cluster costs, side by side in one run with what it replaces, a
 * fresh cluster of the same configuration: a data-only refresh after a test's writes (a table, rows,
 * a database, a role), and a refresh after a promotion (booted again in place). Runs alternate so all
 * three see the same machine noise; one warm-up each is not counted. Not a test: run it with the
 * command in docs/benchmarks.md ({@code -Dhotstandby.backend=containers} for the containers backend).
 */
public final class RefreshBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        // the builder applies -Dhotstandby.backend itself; named here for the report
        Backend backend = Backend.valueOf(System.getProperty("hotstandby.backend", "local").trim().toUpperCase(java.util.Locale.ROOT));
        List<Long> data = new ArrayList<>();
        List<Long> afterPromotion = new ArrayList<>();
        List<Long> fresh = new ArrayList<>();
        try (PostgresCluster cluster = configuration(backend).shared(true).start()) {
            for (int run = -1; run < runs; run++) {
                dirty(cluster, run);
                long started = System.nanoTime();
                cluster.refresh();
                long dataRefresh = System.nanoTime() - started;

                cluster.kill(cluster.primary());
                cluster.promote(cluster.standby(0));
                started = System.nanoTime();
                cluster.refresh();
                long promotedRefresh = System.nanoTime() - started;

                started = System.nanoTime();
                try (PostgresCluster other = configuration(backend).start()) {
                    other.awaitReplication();
                }
                long freshStart = System.nanoTime() - started;
                if (run >= 0) {
                    data.add(dataRefresh);
                    afterPromotion.add(promotedRefresh);
                    fresh.add(freshStart);
                }
            }
        }
        long freshMedian = PairTiming.median(fresh);
        System.out.printf("backend %s, 1 primary + 2 standbys, %d runs%n", backend, runs);
        System.out.printf("data-only refresh after writes:      median %6.1f ms %s%n", PairTiming.median(data) / 1e6,
                PairTiming.millis(data));
        System.out.printf("refresh after a promotion (a boot):  median %6.1f ms %s%n", PairTiming.median(afterPromotion) / 1e6,
                PairTiming.millis(afterPromotion));
        System.out.printf("fresh cluster, start and close:      median %6.1f ms %s%n", freshMedian / 1e6, PairTiming.millis(fresh));
        System.out.printf("ratios to a fresh cluster: data-only %.3f, after a promotion %.3f%n",
                (double) PairTiming.median(data) / freshMedian, (double) PairTiming.median(afterPromotion) / freshMedian);
    }

    private static PostgresCluster.Builder configuration(Backend backend) {
        return PostgresCluster.builder().describedAs("RefreshBenchmark").backend(backend).standbys(2);
    }

    /** What a test typically leaves: a table with rows, a changed row count, a database and a role. */
    private static void dirty(PostgresCluster cluster, int run) throws SQLException {
        try (Connection connection = cluster.primary().dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE bench_" + (run + 1) + " AS SELECT generate_series(1, 1000) AS val");
            statement.execute("CREATE DATABASE bench_" + (run + 1));
            statement.execute("CREATE ROLE bench_" + (run + 1));
        }
        cluster.awaitReplication();
    }
}
