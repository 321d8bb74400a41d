package dev.hotstandby.samples;

import static dev.hotstandby.samples.Sql.execute;
import static dev.hotstandby.samples.Sql.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * {@link NothingLostTest}'s experiment on an <em>asynchronous</em> cluster, PostgreSQL's default:
 * acknowledge {@value #WRITES} separate commits, crash the primary, promote the standby, and count
 * the acknowledged rows the new primary lacks.
 *
 * <p>Asynchronous replication can lose recently acknowledged commits on failover: the primary
 * acknowledges a commit once it is in its own WAL and streams it afterwards, so whatever had not
 * reached the standby when the primary died is gone. On loopback the loss is usually 0 — luck, not
 * a guarantee. So {@link Experiment} <em>reports</em> the count instead of asserting it, and asserts
 * what does hold: what survives is the oldest commits, without holes. {@link Control} proves the count
 * can see a loss: the standby is stopped during the writes, so every one of them must be reported lost.
 *
 * <p>Each nested class gets a cluster of its own, since a failover uses one up.
 */
class AsynchronousLossReportTest {

    static final int WRITES = 1000;

    @Nested
    @PostgresStandbyCluster(shared = true, synchronous = false)
    class Experiment {
        @Test
        void reportsHowManyAcknowledgedCommitsAFailoverLost(PostgresCluster cluster, TestReporter reporter) throws Exception {
            PostgresNode primary = cluster.primary();
            execute(primary.dataSource(), "CREATE TABLE acked (id int PRIMARY KEY)");
            cluster.awaitReplication();   // the table itself is on the standby before the experiment starts

            int acknowledged = writeAcknowledged(primary);
            cluster.kill(primary);   // no awaitReplication() first: whatever is still in flight is lost
            PostgresNode promoted = cluster.promote(cluster.standby(0));

            int lost = lostOn(promoted, acknowledged);
            reporter.publishEntry("acknowledgedCommitsLost", String.valueOf(lost));
            System.out.println("AsynchronousLossReportTest: " + lost + " of " + acknowledged
                    + " acknowledged commits lost on failover (asynchronous replication)");
            // WAL is streamed in commit order: a loss can only be the newest commits, never one in the middle
            assertEquals(String.valueOf(acknowledged - lost),
                    query(promoted.dataSource(), "SELECT coalesce(max(id), 0) FROM acked"), "survivors are ids 1 to n");
        }
    }

    @Nested
    @PostgresStandbyCluster(shared = true, synchronous = false)
    class Control {
        @Test
        void aStandbyThatMissedTheWritesLosesEveryOne(PostgresCluster cluster) throws Exception {
            PostgresNode primary = cluster.primary();
            PostgresNode standby = cluster.standby(0);
            execute(primary.dataSource(), "CREATE TABLE acked (id int PRIMARY KEY)");
            cluster.awaitReplication();

            cluster.stop(standby);   // it misses every write below: a certain loss
            int acknowledged = writeAcknowledged(primary);
            cluster.kill(primary);
            cluster.start(standby);
            PostgresNode promoted = cluster.promote(standby);

            assertEquals(WRITES, lostOn(promoted, acknowledged), "every commit acknowledged while the standby was down");
        }
    }

    /** Autocommit: every INSERT is its own transaction, acknowledged when executeUpdate returns. */
    static int writeAcknowledged(PostgresNode primary) throws SQLException {
        int acknowledged = 0;
        try (Connection connection = primary.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (int id = 1; id <= WRITES; id++) {
                acknowledged += statement.executeUpdate("INSERT INTO acked VALUES (" + id + ")");
            }
        }
        assertEquals(WRITES, acknowledged);
        return acknowledged;
    }

    /** How many of the acknowledged ids 1..acknowledged the promoted node lacks. */
    static int lostOn(PostgresNode promoted, int acknowledged) throws SQLException {
        return Integer.parseInt(query(promoted.dataSource(), "SELECT count(*) FROM generate_series(1, " + acknowledged
                + ") AS g(id) WHERE NOT EXISTS (SELECT 1 FROM acked WHERE acked.id = g.id)"));
    }
}
