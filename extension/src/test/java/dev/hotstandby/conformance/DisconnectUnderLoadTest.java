package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.awaitReceived;
import static dev.hotstandby.conformance.Sql.awaitStreamingFrom;
import static dev.hotstandby.conformance.Sql.count;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.flushLsn;
import static dev.hotstandby.conformance.Sql.isBefore;
import static dev.hotstandby.conformance.Sql.receivedLsn;
import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.ReplicationTimeoutException;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;

/**
 * Cut one standby's link while a writer keeps committing: the cut standby's receive position stops while
 * the primary moves on, and after reconnect every row arrives. standby-1 stays connected: it is the
 * control that shows the WAL did flow and could have reached the cut standby by the time we look.
 */
@PostgresStandbyCluster(shared = true, standbys = 2)
class DisconnectUnderLoadTest {

    @Test
    void cutStandbyFallsBehindUnderLoadAndCatchesUpAfterReconnect(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode cut = cluster.standby(0);
        PostgresNode control = cluster.standby(1);
        execute(primary, "CREATE TABLE load (id int PRIMARY KEY)", "INSERT INTO load VALUES (0)");
        ReplicatedRow.on(cut).within(PATIENCE).await("SELECT id FROM load WHERE id = 0");

        try (Writer writer = Writer.start(primary, "load")) {
            writer.awaitMore(20);
            cluster.disconnect(cut);

            writer.awaitMore(50);
            String primaryAt = flushLsn(primary);
            awaitReceived(control, primaryAt);
            String cutAt = receivedLsn(cut);
            assertThat(isBefore(primary, cutAt, primaryAt))
                    .as("cut standby received up to %s, the primary is at %s", cutAt, primaryAt).isTrue();

            int lastBeforeLook = writer.awaitMore(50);
            awaitReceived(control, flushLsn(primary));
            assertThat(receivedLsn(cut)).as("the cut standby's receive position stopped").isEqualTo(cutAt);
            assertThat(single(cut, "SELECT count(*) FROM load WHERE id = " + lastBeforeLook))
                    .as("a row committed after the primary passed the cut standby's position").isEqualTo("0");
            ReplicatedRow.on(control).within(PATIENCE).await("SELECT id FROM load WHERE id = ?", lastBeforeLook);
            // at once on local processes; after wal_sender_timeout across a real partition
            awaitStreamingFrom(primary, "standby-1:streaming");
            assertThatThrownBy(cluster::awaitReplication).isInstanceOf(ReplicationTimeoutException.class)
                    .hasMessage("Replication cannot catch up: standby-0 is disconnected from the primary (disconnect() cut"
                            + " its link); reconnect() it first");

            cluster.reconnect(cut);
            writer.awaitMore(20);   // load continues across the reconnect
            int written = writer.stop();

            cluster.awaitReplication(PATIENCE);
            assertThat(count(cut, "load")).as("every row, the marker included").isEqualTo(written + 1);
            assertThat(count(control, "load")).isEqualTo(written + 1);
            awaitStreamingFrom(primary, "standby-0:streaming,standby-1:streaming");
        }
    }

    /**
     * The contract of {@code disconnect()}: once it returns, nothing committed afterwards reaches the standby.
     * Commits follow each other without a pause so that a cut taking effect only later (an asynchronous
     * reload) lets some of them through.
     */
    @Test
    void nothingCommittedAfterDisconnectReturnsReachesTheStandby(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode cut = cluster.standby(0);
        PostgresNode control = cluster.standby(1);
        execute(primary, "CREATE TABLE after_cut (id int)", "INSERT INTO after_cut VALUES (0)");
        ReplicatedRow.on(cut).within(PATIENCE).await("SELECT id FROM after_cut WHERE id = 0");

        cluster.disconnect(cut);
        try (Connection connection = primary.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO after_cut VALUES (?)")) {
            for (int id = 1; id <= 200; id++) {
                insert.setInt(1, id);
                insert.executeUpdate();
            }
        }
        awaitReceived(control, flushLsn(primary));
        ReplicatedRow.on(control).within(PATIENCE).await("SELECT id FROM after_cut WHERE id = 200");
        assertThat(single(cut, "SELECT count(*) FROM after_cut WHERE id > 0"))
                .as("rows committed after disconnect() returned, on the cut standby").isEqualTo("0");

        cluster.reconnect(cut);
        cluster.awaitReplication(PATIENCE);
        assertThat(count(cut, "after_cut")).isEqualTo(201);
    }
}
