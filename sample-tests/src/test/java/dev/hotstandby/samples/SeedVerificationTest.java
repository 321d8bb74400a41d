package dev.hotstandby.samples;

// tag::seed-verification[]
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The original recipe's own check, as a test: on the master (primary) create a database, a table
 * and a row; read the row on the slave (standby).
 */
@PostgresStandbyCluster(shared = true)
class SeedVerificationTest {

    @Test
    void rowWrittenOnThePrimaryIsReadOnTheStandby(@Primary DataSource primary, @Standby PostgresNode standby,
                                                  PostgresCluster cluster) throws Exception {
        try (Connection connection = primary.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE sampledb");
        }
        try (Connection connection = cluster.primary().dataSource("sampledb").getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE tab (val int)");
            statement.execute("INSERT INTO tab VALUES (42)");
        }

        cluster.awaitReplication();   // every standby has replayed the primary's WAL position

        try (Connection connection = standby.dataSource("sampledb").getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT val FROM tab")) {
            rows.next();
            assertEquals(42, rows.getInt(1));
        }
    }

    @Test
    void awaitilityHelperWaitsForTheReplicatedRow(@Primary Connection primary, @Standby PostgresNode standby)
            throws Exception {
        try (Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE greeting (word text)");
            statement.execute("INSERT INTO greeting VALUES ('hello')");
        }

        Object word = ReplicatedRow.on(standby).await("SELECT word FROM greeting WHERE word = ?", "hello");

        assertEquals("hello", word);
    }
}
// end::seed-verification[]
