package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A hot standby answers reads and refuses writes with SQLState 25006 (read_only_sql_transaction). */
@PostgresStandbyCluster(shared = true)
class StandbyIsReadOnlyTest {

    @Test
    void writeOnTheStandbyFailsWithReadOnlySqlTransaction(@Primary Connection primary, @Standby Connection standby,
                                                          PostgresCluster cluster) throws Exception {
        try (Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE accounts (id int primary key)");
        }
        cluster.awaitReplication();

        try (Statement statement = standby.createStatement()) {
            SQLException refused = assertThrows(SQLException.class,
                    () -> statement.execute("INSERT INTO accounts VALUES (1)"));
            assertEquals("25006", refused.getSQLState());
        }
    }

    @Test
    void theStandbyIsInRecoveryAndThePrimaryIsNot(@Primary Connection primary, @Standby Connection standby)
            throws Exception {
        assertTrue(inRecovery(standby), "standby should be in recovery");
        assertFalse(inRecovery(primary), "primary should not be in recovery");
    }

    private static boolean inRecovery(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_is_in_recovery()")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }
}
