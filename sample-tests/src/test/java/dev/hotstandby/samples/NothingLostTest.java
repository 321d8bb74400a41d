package dev.hotstandby.samples;

import static dev.hotstandby.samples.Sql.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A Jepsen-style check of the promise synchronous replication makes: a commit the primary has
 * acknowledged survives the primary's crash, because the commit returned only after the standby had
 * it. Write many small transactions, count the acknowledgements, crash the primary with no warning,
 * promote the standby, and look for every acknowledged row there.
 *
 * <p>{@link AsynchronousLossReportTest} runs the same experiment without synchronous replication.
 */
@PostgresStandbyCluster(shared = true, synchronous = true)
class NothingLostTest {

    static final int WRITES = 1000;

    @Test
    void everyAcknowledgedCommitSurvivesFailover(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        int acknowledged = 0;
        try (Connection connection = primary.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE acked (id int PRIMARY KEY)");
            // Autocommit: every INSERT is its own transaction, acknowledged when executeUpdate returns.
            for (int id = 1; id <= WRITES; id++) {
                acknowledged += statement.executeUpdate("INSERT INTO acked VALUES (" + id + ")");
            }
        }
        assertEquals(WRITES, acknowledged);

        cluster.kill(primary);   // kill -9 straight after the last acknowledgement: no chance to ship anything more
        PostgresNode promoted = cluster.promote(cluster.standby(0));

        assertEquals(String.valueOf(WRITES), query(promoted.dataSource(), "SELECT count(*) FROM acked"));
        assertEquals("0", query(promoted.dataSource(), "SELECT count(*) FROM generate_series(1, " + WRITES + ") AS g(id)"
                + " WHERE NOT EXISTS (SELECT 1 FROM acked WHERE acked.id = g.id)"), "acknowledged rows lost");
    }
}
