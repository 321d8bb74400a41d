package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.checkpointTimeline;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.single;
import static dev.hotstandby.conformance.Sql.streamingFrom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Failover and back: kill the primary, promote the standby, rejoin the old primary as its standby; then
 * the same the other way round. Each round must keep every row, move to a new timeline, and end with
 * the rejoined node streaming; a multi-host URL must find the primary of the moment; the promoted
 * node's reload must find nothing in its files to complain about.
 */
class RejoinTwiceTest {

    @Test
    void failoverRejoinAndBackKeepsEveryRowOnANewTimelineEachTime() throws Exception {
        Scenarios.run(PostgresCluster.builder().describedAs("RejoinTwiceTest").standbys(1), cluster -> {
            PostgresNode first = cluster.primary();
            PostgresNode second = cluster.standby(0);
            execute(first, "CREATE TABLE t (val int)", "INSERT INTO t VALUES (1)");
            cluster.awaitReplication();
            int timeline = checkpointTimeline(first);
            assertThat(serverName(cluster, "primary")).isEqualTo(first.name());
            assertThat(serverName(cluster, "preferSecondary")).isEqualTo(second.name());

            timeline = failOverAndRejoin(cluster, first, second, timeline, 2, "1,2");
            timeline = failOverAndRejoin(cluster, second, first, timeline, 3, "1,2,3");

            assertThat(timeline).as("two promotions from timeline 1").isEqualTo(3);
        });
    }

    /** Kills {@code from}, promotes {@code to}, writes {@code newRow} there, rejoins {@code from}; returns the new timeline. */
    private static int failOverAndRejoin(PostgresCluster cluster, PostgresNode from, PostgresNode to, int timelineBefore,
                                         int newRow, String rowsAfter) throws Exception {
        try (Connection session = to.dataSource().getConnection()) {
            String loadedBefore = single(session, "SELECT pg_conf_load_time()::text");
            cluster.kill(from);
            cluster.promote(to);
            // the promotion rewrote node.conf and reloaded; once a backend has reloaded, the postmaster has logged its reload
            Awaitility.await("a reload of " + to.name() + " after its promotion").atMost(PATIENCE)
                    .until(() -> !single(session, "SELECT pg_conf_load_time()::text").equals(loadedBefore));
        }
        assertThat(String.join("\n", to.logTail(400))).as(to.name() + "'s log after its promotion")
                .doesNotContain("contains errors").doesNotContain("cannot be changed without restarting");
        int timeline = checkpointTimeline(to);
        assertThat(timeline).as(to.name() + "'s timeline after its promotion").isGreaterThan(timelineBefore);
        execute(to, "INSERT INTO t VALUES (" + newRow + ")");
        assertThat(serverName(cluster, "primary")).isEqualTo(to.name());

        cluster.rejoin(from);

        assertThat(from.isStandby()).isTrue();
        assertThat(cluster.primary()).isSameAs(to);
        assertThat(cluster.standbys()).containsExactly(from);
        // rejoin() returns once the primary lists it as streaming: no wait needed here
        assertThat(streamingFrom(to)).isEqualTo(from.name() + ":streaming");
        assertThat(single(from, "SELECT pg_is_in_recovery()")).isEqualTo("t");
        cluster.awaitReplication(PATIENCE);
        assertThat(single(from, "SELECT string_agg(val::text, ',' ORDER BY val) FROM t")).isEqualTo(rowsAfter);
        assertThat(single(from, "SELECT received_tli FROM pg_stat_wal_receiver")).isEqualTo(String.valueOf(timeline));
        return timeline;
    }

    /** Which node pgjdbc's multi-host URL connects to for this target server type. */
    private static String serverName(PostgresCluster cluster, String targetServerType) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", cluster.primary().username());
        properties.setProperty("password", cluster.primary().password());
        properties.setProperty("targetServerType", targetServerType);
        // pgjdbc remembers which host was a standby for 10 s by default; a failover changes that at once
        properties.setProperty("hostRecheckSeconds", "0");
        try (Connection connection = DriverManager.getConnection(cluster.multiHostJdbcUrl(), properties)) {
            return single(connection, "SELECT current_setting('cluster_name')");
        }
    }
}
