package dev.hotstandby.benchmark;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * What shared clusters save a suite: 20 test classes of one configuration (a primary and two standbys),
 * 3 tests each, half of them killing the primary and promoting a standby, run through the JUnit engine
 * once with a cluster per class and once with {@code shared = true}, side by side in one run. Prints
 * both totals and the ratio (the targets: at most 0.5 on local, 0.2 on containers, 0.1 on
 * Vagrant). {@code -Dhotstandby.backend=...} chooses the backend. Not a test: run it with the command
 * in docs/benchmarks.md.
 */
public final class SharedClustersBenchmark {

    private SharedClustersBenchmark() {
    }

    public static void main(String[] args) {
        // the template, the binaries and (on containers) the template image exist before either count
        run(List.of(Own01.class));
        long own = run(List.of(Own01.class, Own02.class, Own03.class, Own04.class, Own05.class, Own06.class, Own07.class,
                Own08.class, Own09.class, Own10.class, Own11.class, Own12.class, Own13.class, Own14.class, Own15.class,
                Own16.class, Own17.class, Own18.class, Own19.class, Own20.class));
        long shared = run(List.of(Shared01.class, Shared02.class, Shared03.class, Shared04.class, Shared05.class,
                Shared06.class, Shared07.class, Shared08.class, Shared09.class, Shared10.class, Shared11.class, Shared12.class,
                Shared13.class, Shared14.class, Shared15.class, Shared16.class, Shared17.class, Shared18.class, Shared19.class,
                Shared20.class));
        PostgresCluster.stopIdleSharedClusters();
        System.out.printf("backend %s: 20 classes x 3 tests, 1 primary + 2 standbys, half of the classes failing over%n",
                System.getProperty("hotstandby.backend", "local"));
        System.out.printf("a cluster per class: %8.1f s%n", own / 1e9);
        System.out.printf("shared = true:       %8.1f s%n", shared / 1e9);
        System.out.printf("ratio shared / a cluster per class: %.3f (targets: local <= 0.5, containers <= 0.2,"
                + " Vagrant <= 0.1)%n", (double) shared / own);
    }

    /** Nanoseconds for the classes in one engine run; fails when any test did not pass. */
    private static long run(List<Class<?>> classes) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        classes.forEach(type -> selectors.add(selectClass(type)));
        long started = System.nanoTime();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectors.toArray(DiscoverySelector[]::new))
                .execute();
        long elapsed = System.nanoTime() - started;
        results.testEvents().assertStatistics(stats -> stats.succeeded(3L * classes.size()).failed(0).aborted(0));
        return elapsed;
    }

    /** Three tests a replication suite typically has; every other class fails over in one of them. */
    abstract static class Workload {
        private boolean failsOver() {
            return Integer.parseInt(getClass().getSimpleName().replaceAll("\\D", "")) % 2 == 0;
        }

        @Test
        void rowsWrittenOnThePrimaryAreReadOnTheStandbys(PostgresCluster cluster) throws SQLException {
            execute(cluster.primary(), "CREATE TABLE IF NOT EXISTS orders (id int)", "INSERT INTO orders"
                    + " SELECT generate_series(1, 100)");
            cluster.awaitReplication();
            for (PostgresNode standby : cluster.standbys()) {
                requireRows(standby, count(cluster.primary()));
            }
        }

        @Test
        void theClusterSurvivesACrash(PostgresCluster cluster) throws SQLException {
            if (failsOver()) {
                cluster.kill(cluster.primary());
                PostgresNode promoted = cluster.promote(cluster.standby(0));
                execute(promoted, "CREATE TABLE after_failover (id int)", "INSERT INTO after_failover VALUES (1)");
            } else {
                cluster.restart(cluster.standby(1));
                execute(cluster.primary(), "CREATE TABLE after_restart (id int)", "INSERT INTO after_restart VALUES (1)");
            }
            cluster.awaitReplication();
        }

        @Test
        void aStandbyRefusesWrites(PostgresCluster cluster) {
            PostgresNode standby = cluster.standbys().get(cluster.standbys().size() - 1);
            try {
                execute(standby, "CREATE TABLE refused (id int)");
                throw new AssertionError(standby.name() + " took a write");
            } catch (SQLException readOnly) {
                if (!"25006".equals(readOnly.getSQLState())) {
                    throw new AssertionError(readOnly);
                }
            }
        }

        private static void execute(PostgresNode node, String... statements) throws SQLException {
            try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            }
        }

        private static long count(PostgresNode node) throws SQLException {
            try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*) FROM orders")) {
                rows.next();
                return rows.getLong(1);
            }
        }

        private static void requireRows(PostgresNode standby, long expected) throws SQLException {
            if (count(standby) != expected) {
                throw new AssertionError(standby.name() + " has " + count(standby) + " rows, the primary " + expected);
            }
        }
    }

    @PostgresStandbyCluster(standbys = 2, shared = true)
    abstract static class SharedWorkload extends Workload {
    }

    @PostgresStandbyCluster(standbys = 2)
    abstract static class OwnWorkload extends Workload {
    }

    static final class Shared01 extends SharedWorkload {
    }

    static final class Shared02 extends SharedWorkload {
    }

    static final class Shared03 extends SharedWorkload {
    }

    static final class Shared04 extends SharedWorkload {
    }

    static final class Shared05 extends SharedWorkload {
    }

    static final class Shared06 extends SharedWorkload {
    }

    static final class Shared07 extends SharedWorkload {
    }

    static final class Shared08 extends SharedWorkload {
    }

    static final class Shared09 extends SharedWorkload {
    }

    static final class Shared10 extends SharedWorkload {
    }

    static final class Shared11 extends SharedWorkload {
    }

    static final class Shared12 extends SharedWorkload {
    }

    static final class Shared13 extends SharedWorkload {
    }

    static final class Shared14 extends SharedWorkload {
    }

    static final class Shared15 extends SharedWorkload {
    }

    static final class Shared16 extends SharedWorkload {
    }

    static final class Shared17 extends SharedWorkload {
    }

    static final class Shared18 extends SharedWorkload {
    }

    static final class Shared19 extends SharedWorkload {
    }

    static final class Shared20 extends SharedWorkload {
    }

    static final class Own01 extends OwnWorkload {
    }

    static final class Own02 extends OwnWorkload {
    }

    static final class Own03 extends OwnWorkload {
    }

    static final class Own04 extends OwnWorkload {
    }

    static final class Own05 extends OwnWorkload {
    }

    static final class Own06 extends OwnWorkload {
    }

    static final class Own07 extends OwnWorkload {
    }

    static final class Own08 extends OwnWorkload {
    }

    static final class Own09 extends OwnWorkload {
    }

    static final class Own10 extends OwnWorkload {
    }

    static final class Own11 extends OwnWorkload {
    }

    static final class Own12 extends OwnWorkload {
    }

    static final class Own13 extends OwnWorkload {
    }

    static final class Own14 extends OwnWorkload {
    }

    static final class Own15 extends OwnWorkload {
    }

    static final class Own16 extends OwnWorkload {
    }

    static final class Own17 extends OwnWorkload {
    }

    static final class Own18 extends OwnWorkload {
    }

    static final class Own19 extends OwnWorkload {
    }

    static final class Own20 extends OwnWorkload {
    }
}
