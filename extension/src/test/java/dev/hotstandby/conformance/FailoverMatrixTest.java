package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.checkpointTimeline;
import static dev.hotstandby.conformance.Sql.count;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.executeWithin;
import static dev.hotstandby.conformance.Sql.single;
import static dev.hotstandby.conformance.Sql.slotOf;
import static dev.hotstandby.conformance.Sql.streamingFrom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kill the primary, promote a standby, and the other standby must follow it, over a small matrix of
 * cascade × replication slots × synchronous × archiving. Each case is one cluster of two standbys; in a
 * cascade ({@code upstreams(-1, 0)}) standby-1 streams from standby-0, so promoting standby-0 promotes the
 * cascade's middle and promoting standby-1 promotes its leaf.
 */
class FailoverMatrixTest {

    /** One case: how the two standbys replicate, and which of them is promoted. */
    record Failover(boolean cascade, boolean slots, boolean synchronous, boolean archiving, int promoted) {
        int follower() {
            return 1 - promoted;
        }

        PostgresCluster.Builder builder() {
            PostgresCluster.Builder builder = PostgresCluster.builder().describedAs("FailoverMatrixTest " + this)
                    .standbys(2).replicationSlots(slots).synchronous(synchronous).archiving(archiving);
            return cascade ? builder.upstreams(-1, 0) : builder;
        }

        @Override
        public String toString() {
            return (cascade ? "cascade, promote its " + (promoted == 0 ? "middle" : "leaf") : "flat, promote a leaf")
                    + (slots ? ", slots" : "") + (synchronous ? ", synchronous" : "") + (archiving ? ", archiving" : "");
        }
    }

    // Seven cluster starts: every option appears with both a middle and a leaf promotion, and in a cascade.
    static Stream<Failover> failovers() {
        return Stream.of(
                new Failover(false, false, false, false, 0),
                new Failover(false, true, true, true, 0),
                new Failover(true, false, false, false, 0),
                new Failover(true, true, false, false, 0),
                new Failover(true, false, true, true, 0),
                new Failover(true, true, false, true, 1),
                new Failover(true, false, true, false, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failovers")
    void theOtherStandbyFollowsThePromotedOne(Failover failover) throws Exception {
        int major = failover.builder().spec().major();
        assumeTrue(major >= 12 || !(failover.slots() || failover.archiving()), "slots and archiving need PostgreSQL 12"
                + " or newer (primary_slot_name and restore_command became settings in 12); this run asks for " + major);
        Scenarios.run(failover.builder(), cluster -> {
            PostgresNode formerPrimary = cluster.primary();
            PostgresNode promoted = cluster.standby(failover.promoted());
            PostgresNode follower = cluster.standby(failover.follower());
            assertTopologyBefore(cluster, failover);
            execute(formerPrimary, "CREATE TABLE orders (id int PRIMARY KEY, written_on text)",
                    "INSERT INTO orders VALUES (1, 'primary')");
            cluster.awaitReplication();
            int timelineBefore = checkpointTimeline(formerPrimary);

            cluster.kill(formerPrimary);
            assertThat(cluster.promote(promoted)).isSameAs(promoted);

            assertThat(cluster.primary()).isSameAs(promoted);
            assertThat(cluster.standbys()).containsExactly(follower);
            assertThat(single(promoted, "SELECT pg_is_in_recovery()")).isEqualTo("f");
            int timelineAfter = checkpointTimeline(promoted);
            assertThat(timelineAfter).as("the promoted node's timeline").isEqualTo(timelineBefore + 1);
            executeWithin(PATIENCE, promoted, "INSERT INTO orders VALUES (2, 'promoted')");

            ReplicatedRow.on(follower).within(PATIENCE).await("SELECT written_on FROM orders WHERE id = 2");
            ReplicatedRow.on(promoted).within(PATIENCE).awaitValue(
                    "SELECT string_agg(application_name || ':' || state, ',') FROM pg_stat_replication",
                    follower.name() + ":streaming");
            assertThat(single(follower, "SELECT received_tli FROM pg_stat_wal_receiver"))
                    .as("the follower streams the new timeline").isEqualTo(String.valueOf(timelineAfter));
            if (failover.slots()) {
                ReplicatedRow.on(promoted).within(PATIENCE).awaitValue(
                        "SELECT active FROM pg_replication_slots WHERE slot_name = ?", true, slotOf(follower));
            }
            if (failover.archiving()) {
                // archive_mode = on: a promoted standby starts archiving into the cluster's archive
                String segment = single(promoted, "SELECT pg_walfile_name(pg_switch_wal())");
                ReplicatedRow.on(promoted).within(PATIENCE).awaitValue(
                        "SELECT last_archived_wal >= ? FROM pg_stat_archiver", true, segment);
            }
            cluster.awaitReplication();
            assertThat(count(follower, "orders")).isEqualTo(2);
        });
    }

    private static void assertTopologyBefore(PostgresCluster cluster, Failover failover) throws Exception {
        if (failover.cascade()) {
            assertThat(streamingFrom(cluster.primary())).isEqualTo("standby-0:streaming");
            assertThat(streamingFrom(cluster.standby(0))).isEqualTo("standby-1:streaming");
        } else {
            assertThat(streamingFrom(cluster.primary())).isEqualTo("standby-0:streaming,standby-1:streaming");
        }
        if (failover.slots()) {
            String slotsOnPrimary = single(cluster.primary(),
                    "SELECT string_agg(slot_name || ':' || active, ',' ORDER BY slot_name) FROM pg_replication_slots");
            assertThat(slotsOnPrimary).isEqualTo(failover.cascade() ? "standby_0:true" : "standby_0:true,standby_1:true");
        }
    }
}
