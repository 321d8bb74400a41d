package dev.hotstandby.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * After a real promote(): an injected {@code @Primary DataSource} follows the primary; a
 * {@code @Primary Connection} or {@code PostgresNode} cannot, and a failure says what moved.
 */
class FailoverInjectionTest {

    @Test
    void primaryDataSourceConnectsToThePromotedStandby() {
        FollowingCase.connectedTo = null;
        EngineRuns.run(FollowingCase.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        assertThat(FollowingCase.connectedTo).isEqualTo("standby-0");
        assertThat(EngineRuns.runningServers()).isZero();
    }

    @Test
    void aFailureWithAPinnedPrimarySaysItIsNoLongerThePrimary() {
        EngineExecutionResults results = EngineRuns.capturingStderr(Map.of(), PinnedCase.class).results();
        results.testEvents().assertStatistics(stats -> stats.failed(1).succeeded(0));
        Throwable failure = results.testEvents().failed().stream().findFirst().orElseThrow()
                .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();

        assertThat(failure).isInstanceOf(SQLException.class);
        assertThat(failure.getSuppressed()).hasSize(3);
        assertThat(failure.getSuppressed()[0]).isInstanceOf(PrimaryMoved.class).hasMessage(
                "@Primary parameter [connection] of [PinnedCase.writesAfterFailover] is on primary;"
                        + " @Primary parameter [node] of [PinnedCase.writesAfterFailover] is on primary, which is no longer"
                        + " the primary (the primary is now standby-0, after promote()). An injected Connection or PostgresNode"
                        + " stays on the node it was resolved to; inject @Primary DataSource, which follows the primary,"
                        + " or call cluster.primary() after a failover");
        assertThat(failure.getSuppressed()[1]).isInstanceOf(ClusterAtFailure.class).satisfies(state -> assertThat(state.getMessage())
                .containsPattern("(?m)^standby-0 +primary +- +running +2 "));
        assertThat(failure.getSuppressed()[2]).isInstanceOf(ServerLogs.class);
        assertThat(EngineRuns.runningServers()).isZero();
    }

    @Test
    void aFailureWithoutAFailoverGetsNoSuchHint() {
        EngineExecutionResults results = EngineRuns.run(PinnedWithoutFailoverCase.class);
        results.testEvents().assertStatistics(stats -> stats.failed(1));
        Throwable failure = results.testEvents().failed().stream().findFirst().orElseThrow()
                .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(failure.getSuppressed()).extracting(Object::getClass).containsExactly(ClusterAtFailure.class, ServerLogs.class);
    }

    static String clusterName(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_setting('cluster_name'), pg_is_in_recovery()")) {
            rows.next();
            assertThat(rows.getBoolean(2)).as("in recovery").isFalse();
            return rows.getString(1);
        }
    }

    // ---- test cases run through the engine above; not run on their own ----

    @PostgresStandbyCluster
    static class FollowingCase {
        static String connectedTo;

        @Test
        void writesAfterFailover(@Primary DataSource primary, PostgresCluster cluster) throws SQLException {
            try (Connection before = primary.getConnection()) {
                assertThat(clusterName(before)).isEqualTo("primary");
            }
            cluster.kill(cluster.primary());
            cluster.promote(cluster.standby(0));
            try (Connection after = primary.getConnection(); Statement statement = after.createStatement()) {
                statement.execute("CREATE TABLE written_after_failover (id int)");
                connectedTo = clusterName(after);
            }
        }
    }

    @PostgresStandbyCluster(cleanup = CleanupMode.ALWAYS)
    static class PinnedCase {
        @Test
        void writesAfterFailover(@Primary Connection connection, @Primary PostgresNode node, PostgresCluster cluster)
                throws SQLException {
            cluster.kill(node);
            cluster.promote(cluster.standby(0));
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE never_written (id int)");
            }
        }
    }

    @PostgresStandbyCluster(cleanup = CleanupMode.ALWAYS)
    static class PinnedWithoutFailoverCase {
        @Test
        void fails(@Primary Connection connection) {
            throw new AssertionError("fails on purpose");
        }
    }
}
