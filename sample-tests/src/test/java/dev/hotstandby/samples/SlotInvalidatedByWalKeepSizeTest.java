package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * A consumer that stays away too long: {@code max_slot_wal_keep_size} (13+) caps the WAL a slot may hold
 * back, so once {@code advanceWal} has moved the primary on and a checkpoint removed the old
 * segments, the slot is invalidated ({@code wal_status = lost}) and the consumer's next start fails
 * with SQLState 55000: it must be rebuilt from a fresh snapshot.
 */
@PostgresStandbyCluster(shared = true, logical = true)
class SlotInvalidatedByWalKeepSizeTest {

    @Test
    void theConsumerOfAnInvalidatedSlotIsRefused(PostgresCluster cluster, @Primary PostgresNode primary) throws Exception {
        int major = Integer.parseInt(query(primary, "SELECT current_setting('server_version_num')::int / 10000"));
        assumeTrue(major >= 13, "max_slot_wal_keep_size came with PostgreSQL 13; this server is " + major);
        cluster.set(primary, "max_slot_wal_keep_size", "1MB");
        cluster.createLogicalSlot("slow_consumer", "test_decoding");
        assertEquals("reserved", query(primary, "SELECT wal_status FROM pg_replication_slots WHERE slot_name = 'slow_consumer'"));

        cluster.advanceWal(5);
        query(primary, "CHECKPOINT");   // where PostgreSQL removes old WAL, and the slots that still needed it

        assertEquals("lost", query(primary, "SELECT wal_status FROM pg_replication_slots WHERE slot_name = 'slow_consumer'"));
        SQLException refused = assertThrows(SQLException.class, () -> {
            try (Connection replication = CdcConsumerSurvivesFailoverTest.replicationConnection(primary.jdbcUrl(),
                    primary.username(), primary.password())) {
                replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                        .withSlotName("slow_consumer").start().readPending();
            }
        });
        assertEquals("55000", refused.getSQLState(), refused.getMessage());
        // 17+: "can no longer get changes from replication slot ..."; before: "cannot read from logical replication slot ..."
        assertTrue(refused.getMessage().contains("replication slot \"slow_consumer\""), refused.getMessage());
    }

    private static String query(PostgresNode node, String sql) throws SQLException {
        try (Connection connection = node.superuserDataSource().getConnection(); Statement statement = connection.createStatement()) {
            if (!statement.execute(sql)) {
                return null;
            }
            try (ResultSet rows = statement.getResultSet()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
