package dev.hotstandby.samples;

import static dev.hotstandby.samples.Sql.execute;
import static dev.hotstandby.samples.Sql.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The original recipe's TODO, "failover / promotion of slave to master", as a walkthrough: each
 * step is a test, run in order against the one cluster of this class.
 *
 * <ol>
 *   <li>the master (primary) takes writes, and the slave (standby) streams them;</li>
 *   <li>the master dies ({@code kill -9});</li>
 *   <li>the slave is promoted: it is the new master;</li>
 *   <li>writes continue on the new master;</li>
 *   <li>the old master rejoins as a slave of the new one and has every row;</li>
 *   <li>the new master shows it streaming in {@code pg_stat_replication}.</li>
 * </ol>
 *
 * Node names never change, roles do: after the failover the node named {@code primary} is a standby
 * and {@code standby-0} is the primary. That is why the steps keep the two nodes in fields instead
 * of asking for {@code cluster.primary()} and {@code cluster.standby(0)} again.
 */
@PostgresStandbyCluster(shared = true)
@TestMethodOrder(OrderAnnotation.class)
class FailoverWalkthroughTest {

    static PostgresCluster cluster;

    @Primary
    static PostgresNode oldMaster;

    @Standby
    static PostgresNode oldSlave;

    @BeforeAll
    static void createTheLedger() throws Exception {
        execute(oldMaster.dataSource(), "CREATE TABLE ledger (id int PRIMARY KEY, written_on text NOT NULL)");
    }

    @Test
    @Order(1)
    void theMasterTakesWritesAndTheSlaveStreamsThem() throws Exception {
        for (int id = 1; id <= 3; id++) {
            execute(oldMaster.dataSource(), "INSERT INTO ledger VALUES (" + id + ", current_setting('cluster_name'))");
        }
        cluster.awaitReplication();

        assertEquals("standby-0:streaming", query(oldMaster.dataSource(),
                "SELECT string_agg(application_name || ':' || state, ',') FROM pg_stat_replication"));
        assertEquals("1,2,3", query(oldSlave.dataSource(), "SELECT string_agg(id::text, ',' ORDER BY id) FROM ledger"));
    }

    @Test
    @Order(2)
    void theMasterDies() throws Exception {
        cluster.kill(oldMaster);   // kill -9 of the postmaster: no shutdown checkpoint, no goodbye to the standby

        SQLException refused = assertThrows(SQLException.class, () -> oldMaster.dataSource().getConnection().close());
        assertEquals("08001", refused.getSQLState(), "connection refused: " + refused.getMessage());

        // The slave is still a read-only standby with everything it had received.
        assertEquals("t", query(oldSlave.dataSource(), "SELECT pg_is_in_recovery()"));
        assertEquals("3", query(oldSlave.dataSource(), "SELECT count(*) FROM ledger"));
    }

    @Test
    @Order(3)
    void theSlaveIsPromotedToMaster() throws Exception {
        PostgresNode newMaster = cluster.promote(oldSlave);   // returns once it accepts writes

        assertSame(oldSlave, newMaster);
        assertSame(newMaster, cluster.primary());
        assertEquals("f", query(newMaster.dataSource(), "SELECT pg_is_in_recovery()"));
        assertEquals(List.of(), cluster.standbys(), "the killed old master is nobody's standby yet");
    }

    @Test
    @Order(4)
    void writesContinueOnTheNewMaster() throws Exception {
        PostgresNode newMaster = cluster.primary();
        for (int id = 4; id <= 6; id++) {
            execute(newMaster.dataSource(), "INSERT INTO ledger VALUES (" + id + ", current_setting('cluster_name'))");
        }

        assertEquals("primary:3,standby-0:3", query(newMaster.dataSource(),
                "SELECT string_agg(written_on || ':' || n, ',' ORDER BY written_on)"
                        + " FROM (SELECT written_on, count(*) AS n FROM ledger GROUP BY written_on) per_node"));
    }

    @Test
    @Order(5)
    void theOldMasterRejoinsAsASlaveWithEveryRow() throws Exception {
        // Re-seeded from the new master (anything only the old master had would be discarded), started, streaming.
        cluster.rejoin(oldMaster);
        assertTrue(oldMaster.isStandby());
        assertFalse(oldMaster.isPrimary());

        execute(cluster.primary().dataSource(), "INSERT INTO ledger VALUES (7, current_setting('cluster_name'))");
        cluster.awaitReplication();

        assertEquals("1,2,3,4,5,6,7", query(oldMaster.dataSource(), "SELECT string_agg(id::text, ',' ORDER BY id) FROM ledger"));
        assertEquals("t", query(oldMaster.dataSource(), "SELECT pg_is_in_recovery()"));
        try (Connection connection = oldMaster.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            SQLException readOnly = assertThrows(SQLException.class,
                    () -> statement.execute("INSERT INTO ledger VALUES (8, 'nowhere')"));
            assertEquals("25006", readOnly.getSQLState(), "read_only_sql_transaction");
        }
    }

    @Test
    @Order(6)
    void theNewMasterShowsTheOldMasterStreaming() throws Exception {
        PostgresNode newMaster = cluster.primary();
        assertSame(oldSlave, newMaster);
        // application_name is the node's name, so the old master still appears as 'primary' here.
        assertEquals("primary:streaming", query(newMaster.dataSource(),
                "SELECT string_agg(application_name || ':' || state, ',') FROM pg_stat_replication"));
        assertEquals("streaming", query(oldMaster.dataSource(), "SELECT status FROM pg_stat_wal_receiver"));
    }
}
