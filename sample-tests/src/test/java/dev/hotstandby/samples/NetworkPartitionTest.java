package dev.hotstandby.samples;

import static dev.hotstandby.samples.Sql.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.ReplicationTimeoutException;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A network partition between the primary and a standby, while both servers stay up: what is
 * written during the cut does not reach the standby, {@code awaitReplication()} says why it cannot
 * succeed, and once the link is back the standby catches up by streaming.
 */
@PostgresStandbyCluster(shared = true)
class NetworkPartitionTest {

    @Test
    void rowsWrittenDuringTheCutArriveAfterReconnect(@Primary Connection primary, @Standby PostgresNode standby,
                                                     PostgresCluster cluster) throws Exception {
        try (Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE readings (id int PRIMARY KEY)");
        }
        cluster.awaitReplication();

        cluster.disconnect(standby);
        // The cut is a real partition on every backend: nothing gets through, and the standby's WAL receiver
        // notices after wal_receiver_timeout (5 s here). Waiting for that also shows the cut holds.
        ReplicatedRow.on(standby).awaitValue("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'", 0L);

        try (Statement statement = primary.createStatement()) {
            statement.execute("INSERT INTO readings SELECT generate_series(1, 100)");
        }

        try (Connection onStandby = standby.dataSource().getConnection()) {
            assertEquals("0", single(onStandby, "SELECT count(*) FROM readings"), "written during the cut");
        }
        // Nobody streams from the primary once its WAL sender gave up, after wal_sender_timeout.
        ReplicatedRow.on(cluster.primary()).awaitValue("SELECT count(*) FROM pg_stat_replication", 0L);

        // Waiting cannot help while the link is cut, so awaitReplication() fails at once and says why.
        ReplicationTimeoutException cannotCatchUp = assertThrows(ReplicationTimeoutException.class,
                cluster::awaitReplication);
        assertTrue(cannotCatchUp.getMessage().contains("disconnected"), cannotCatchUp.getMessage());

        cluster.reconnect(standby);
        cluster.awaitReplication();

        try (Connection onStandby = standby.dataSource().getConnection()) {
            assertEquals("100", single(onStandby, "SELECT count(*) FROM readings"));
            assertEquals("streaming", single(onStandby, "SELECT status FROM pg_stat_wal_receiver"));
        }
    }
}
