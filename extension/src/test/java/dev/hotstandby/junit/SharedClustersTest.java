package dev.hotstandby.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code @PostgresStandbyCluster(shared = true)} through the Jupiter engine: classes with equal
 * annotations take one cluster in turn, refreshed between them; parallel classes get one each; a
 * class with a failed test keeps its evidence and takes its cluster out of the pool; a refresh that
 * cannot bring a node back gives the next class a fresh cluster; beyond its backend's limit of idle
 * clusters, the one handed back longest ago stops.
 */
class SharedClustersTest {
    private static final Map<String, String> PARALLEL = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "2");

    /** What each case class saw: its primary's port, the start time of its primary's server, and its markers. */
    record Seen(String testClass, int port, String serverStart, List<String> markers, List<String> fingerprint) {
    }

    static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

    @AfterEach
    void forget() {
        SEEN.clear();
    }

    @AfterAll
    static void stopThePool() {
        PostgresCluster.stopIdleSharedClusters();
    }

    @Test
    void classesWithEqualAnnotationsTakeOneClusterInTurnRefreshedBetweenThem() {
        EngineRuns.run(First.class, Second.class, OtherConfiguration.class)
                .testEvents().assertStatistics(stats -> stats.succeeded(3).failed(0));

        assertThat(SEEN).extracting(Seen::testClass).containsExactly("First", "Second", "OtherConfiguration");
        Seen first = SEEN.get(0);
        Seen second = SEEN.get(1);
        assertThat(second.port()).as("the same cluster").isEqualTo(first.port());
        assertThat(second.serverStart()).as("a data-only refresh keeps the server").isEqualTo(first.serverStart());
        assertThat(first.markers()).as("a fresh cluster").isEmpty();
        assertThat(second.markers()).as("none of the first class's markers").isEmpty();
        assertThat(second.fingerprint()).as("the declared state").isEqualTo(first.fingerprint());
        assertThat(SEEN.get(2).port()).as("other attributes, another cluster").isNotEqualTo(first.port());
    }

    @Test
    void classesRunningInParallelNeverHoldOneClusterAtTheSameTime() {
        EngineRuns.run(PARALLEL, MeetsTheOther.class, AlsoMeetsTheOther.class)
                .testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));

        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0).port()).isNotEqualTo(SEEN.get(1).port());
    }

    @Test
    void aClassWithAFailedTestKeepsItsEvidenceAndTheNextClassGetsAnotherCluster() {
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of(), FailsAfterWriting.class, Second.class);

        run.results().testEvents().assertStatistics(stats -> stats.succeeded(1).failed(1));
        assertThat(run.stderr()).contains("data directories and server logs kept in");
        assertThat(SEEN).extracting(Seen::testClass).containsExactly("FailsAfterWriting", "Second");
        assertThat(SEEN.get(1).port()).isNotEqualTo(SEEN.get(0).port());
        assertThat(SEEN.get(1).markers()).isEmpty();
    }

    /**
     * A port taken while its standby was down: the refresh cannot start it again, in place or booted
     * anew, so the cluster is discarded with a warning, and the next class runs on a fresh one.
     */
    @Test
    void aRefreshThatCannotBringANodeBackGivesTheNextClassAFreshCluster() throws Exception {
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of(), TakesAStandbysPort.class, Second.class);
        try {
            run.results().testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));
            assertThat(run.stderr()).contains("is discarded, and another one is taken or started")
                    .contains("standby-0");
            assertThat(SEEN.get(1).port()).isNotEqualTo(SEEN.get(0).port());
        } finally {
            TakesAStandbysPort.release();
        }
    }

    static Seen see(String testClass, PostgresCluster cluster) throws SQLException {
        PostgresNode primary = cluster.primary();
        try (Connection connection = primary.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            String start;
            try (ResultSet rows = statement.executeQuery("SELECT pg_postmaster_start_time()::text")) {
                rows.next();
                start = rows.getString(1);
            }
            List<String> markers = new java.util.ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT relname FROM pg_class WHERE relname LIKE 'marker_%'")) {
                while (rows.next()) {
                    markers.add(rows.getString(1));
                }
            }
            Seen seen = new Seen(testClass, primary.port(), start, markers, cluster.fingerprint());
            SEEN.add(seen);
            return seen;
        }
    }

    @Test
    void beyondTheLimitOfIdleClustersTheOneHandedBackLongestAgoStops() throws Exception {
        PostgresCluster.stopIdleSharedClusters();
        List<PostgresCluster> handedBack = new java.util.ArrayList<>();
        for (int configuration = 0; configuration <= 8; configuration++) {   // the local backend keeps 8 idle
            try (PostgresCluster cluster = PostgresCluster.builder().describedAs("IdleLimit").standbys(1)
                    .database("idle_limit_" + configuration).shared(true).start()) {
                handedBack.add(cluster);
            }
        }
        assertThat(answers(handedBack.get(0))).as("the one handed back first stopped").isEqualTo("08001");
        for (PostgresCluster kept : handedBack.subList(1, handedBack.size())) {
            assertThat(answers(kept)).as("an idle cluster within the limit still runs").isEqualTo("answers");
        }
        assertThat(PostgresCluster.stopIdleSharedClusters()).isEqualTo(8);
    }

    /** "answers" when the cluster's primary answers a query through its JDBC URL, else the SQLState. */
    private static String answers(PostgresCluster cluster) {
        try (Connection connection = java.sql.DriverManager.getConnection(cluster.primary().jdbcUrl(),
                cluster.primary().username(), cluster.primary().password());
             Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            return "answers";
        } catch (SQLException refused) {
            return refused.getSQLState();
        }
    }

    static void leaveAMarker(DataSource primary, String name) throws SQLException {
        try (Connection connection = primary.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE marker_" + name + " AS SELECT 1 AS val");
        }
    }

    @PostgresStandbyCluster(shared = true)
    static class First {
        @Test
        void writesAMarker(PostgresCluster cluster, @Primary DataSource primary) throws Exception {
            see("First", cluster);
            leaveAMarker(primary, "first");
            cluster.awaitReplication();
        }
    }

    @PostgresStandbyCluster(shared = true)
    static class Second {
        @Test
        void findsNoMarker(PostgresCluster cluster) throws Exception {
            see("Second", cluster);
            cluster.awaitReplication();
        }
    }

    @PostgresStandbyCluster(shared = true, standbys = 2)
    static class OtherConfiguration {
        @Test
        void runs(PostgresCluster cluster) throws Exception {
            see("OtherConfiguration", cluster);
        }
    }

    static final CyclicBarrier BOTH_RUNNING = new CyclicBarrier(2);

    @PostgresStandbyCluster(shared = true)
    static class MeetsTheOther {
        @Test
        void runs(PostgresCluster cluster) throws Exception {
            see("MeetsTheOther", cluster);
            BOTH_RUNNING.await(2, TimeUnit.MINUTES);
        }
    }

    @PostgresStandbyCluster(shared = true)
    static class AlsoMeetsTheOther {
        @Test
        void runs(PostgresCluster cluster) throws Exception {
            see("AlsoMeetsTheOther", cluster);
            BOTH_RUNNING.await(2, TimeUnit.MINUTES);
        }
    }

    @PostgresStandbyCluster(shared = true)
    static class FailsAfterWriting {
        @Test
        void fails(PostgresCluster cluster, @Primary DataSource primary) throws Exception {
            see("FailsAfterWriting", cluster);
            leaveAMarker(primary, "failed");
            assertThat(1).as("a failing test").isEqualTo(2);
        }
    }

    @PostgresStandbyCluster(shared = true)
    static class TakesAStandbysPort {
        private static final Set<ServerSocket> TAKEN = ConcurrentHashMap.newKeySet();

        @Test
        void killsAStandbyAndTakesItsPort(PostgresCluster cluster) throws Exception {
            see("TakesAStandbysPort", cluster);
            PostgresNode standby = cluster.standby(0);
            cluster.kill(standby);
            TAKEN.add(new ServerSocket(standby.port(), 50, InetAddress.getByName(standby.host())));
        }

        static void release() throws Exception {
            for (ServerSocket socket : TAKEN) {
                socket.close();
            }
            TAKEN.clear();
        }
    }
}
