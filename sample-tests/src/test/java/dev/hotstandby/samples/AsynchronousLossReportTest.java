package dev.hotstandby.samples;

import static dev.hotstandby.samples.Sql.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * {@link NothingLostTest}'s experiment on an <em>asynchronous</em> cluster, PostgreSQL's default:
 * acknowledge {@value #WRITES} separate commits, crash the primary, promote the standby, and count
 * the acknowledged rows the new primary lacks.
 *
 * <p>Asynchronous replication can lose recently acknowledged commits on failover: the primary
 * acknowledges a commit once it is in its own WAL, and streams it to the standby afterwards, so
 * whatever had not reached the standby when the primary died is gone after promotion. On loopback
 * the standby is usually only microseconds behind and the count is usually 0 — but that is luck,
 * not a guarantee, and on a real network it is often more.
 *
 * <p>So this test <em>reports</em> the loss (in the test report via {@link TestReporter} and on
 * standard output) rather than asserting it is 0; it asserts only that the count makes sense. It
 * does not pretend asynchronous replication loses nothing. If you need that, use
 * {@code synchronous = true}.
 */
@PostgresStandbyCluster(synchronous = false)
class AsynchronousLossReportTest {

    static final int WRITES = 1000;

    @Test
    void reportsHowManyAcknowledgedCommitsAFailoverLost(PostgresCluster cluster, TestReporter reporter)
            throws Exception {
        PostgresNode primary = cluster.primary();
        try (Connection connection = primary.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE acked (id int PRIMARY KEY)");
        }
        cluster.awaitReplication();   // the table itself is on the standby before the experiment starts

        int acknowledged = 0;
        try (Connection connection = primary.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (int id = 1; id <= WRITES; id++) {
                acknowledged += statement.executeUpdate("INSERT INTO acked VALUES (" + id + ")");
            }
        }
        assertEquals(WRITES, acknowledged);

        cluster.kill(primary);   // no awaitReplication() first: whatever is still in flight is lost
        PostgresNode promoted = cluster.promote(cluster.standby(0));

        int survived = Integer.parseInt(query(promoted.dataSource(), "SELECT count(*) FROM acked"));
        int lost = acknowledged - survived;
        String report = lost + " of " + acknowledged + " acknowledged commits lost on failover (asynchronous replication)";
        reporter.publishEntry("acknowledgedCommitsLost", String.valueOf(lost));
        System.out.println("AsynchronousLossReportTest: " + report);

        assertTrue(lost >= 0 && lost <= WRITES, report);
    }
}
