package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * After a promotion (17+, logical = true) the new primary names its own followers' slots in
 * synchronized_standby_slots, the remaining standby streams through its slot there, and the failover
 * slot synced before the promotion decodes on the new primary from where the consumer left it.
 */
@EnabledIf(value = "majorHasFailoverSlots", disabledReason = "failover slots need PostgreSQL 17 or newer")
@PostgresStandbyCluster(shared = true, standbys = 2, logical = true)
class FailoverSlotPromotionTest {

    /** Asked before the cluster starts, so a run on an older major skips without starting one. */
    static boolean majorHasFailoverSlots() {
        return PostgresCluster.builder().spec().major() >= 17;
    }

    @Test
    void theSyncedSlotDecodesOnThePromotedStandby(PostgresCluster cluster) throws Exception {
        PostgresNode oldPrimary = cluster.primary();
        PostgresNode promoted = cluster.standby(0);
        PostgresNode other = cluster.standby(1);
        execute(oldPrimary, "CREATE TABLE moves (id int)");
        cluster.createLogicalSlot("moving", "test_decoding", true);
        execute(oldPrimary, "INSERT INTO moves VALUES (1)");
        String acknowledged;
        try (Decoding consumer = Decoding.testDecoding(oldPrimary, "moving")) {
            consumer.readTextUntil("moves", PATIENCE);
            consumer.acknowledge();
            // a standby makes a new synced slot persistent only once the consumer moves the primary's slot on
            Thread keepAcknowledging = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        consumer.acknowledgeFor(java.time.Duration.ofMillis(20));
                    }
                } catch (java.sql.SQLException ignored) {
                    // the test's own assertions tell
                }
            });
            keepAcknowledging.start();
            try {
                cluster.awaitSlotSynced(promoted, "moving");
            } finally {
                keepAcknowledging.interrupt();
                keepAcknowledging.join();
            }
            acknowledged = consumer.lastReceived().asString();
        }
        execute(oldPrimary, "INSERT INTO moves VALUES (2)");
        cluster.awaitReplication(PATIENCE);
        cluster.stop(oldPrimary);

        cluster.promote(promoted);

        assertThat(single(promoted, "SHOW synchronized_standby_slots")).as("the new primary's follower").isEqualTo("standby_1");
        Sql.awaitStreamingFrom(promoted, "standby-1:streaming");
        assertThat(single(promoted, "SELECT active FROM pg_replication_slots WHERE slot_name = 'standby_1'")).isEqualTo("t");
        assertThat(single(promoted, "SELECT failover || ':' || (confirmed_flush_lsn <= '" + acknowledged + "'::pg_lsn)"
                + " FROM pg_replication_slots WHERE slot_name = 'moving'")).isEqualTo("true:true");
        assertThat(single(promoted, "SELECT string_agg(data, ' | ') FROM pg_logical_slot_get_changes('moving', NULL, NULL)"
                + " WHERE data LIKE 'table%'")).as("the change after the acknowledgement, decoded on the new primary")
                .contains("table public.moves: INSERT: id[integer]:2");
        execute(promoted, "INSERT INTO moves VALUES (3)");
        cluster.awaitReplication(PATIENCE);
        assertThat(Sql.count(other, "moves")).isEqualTo(3);
    }
}
