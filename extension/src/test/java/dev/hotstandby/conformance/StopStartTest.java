package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.awaitReceived;
import static dev.hotstandby.conformance.Sql.awaitStreamingFrom;
import static dev.hotstandby.conformance.Sql.count;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.flushLsn;
import static dev.hotstandby.conformance.Sql.isBefore;
import static dev.hotstandby.conformance.Sql.receivedLsn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.ReplicationTimeoutException;
import dev.hotstandby.junit.PostgresStandbyCluster;
import org.junit.jupiter.api.Test;

/**
 * Stopping, killing and starting nodes of one shared cluster: standby-1 streams from standby-0 (a
 * cascade), standby-2 straight from the primary and serves as the control that WAL did flow. Each test
 * ends with every node running and caught up.
 */
@PostgresStandbyCluster(shared = true, standbys = 3, upstreams = {-1, 0, -1})
class StopStartTest {

    @Test
    void followerOfAStoppedMiddleStandbyStopsReceivingAndBothCatchUpAfterStart(PostgresCluster cluster) throws Exception {
        PostgresNode middle = cluster.standby(0);
        PostgresNode follower = cluster.standby(1);
        PostgresNode direct = cluster.standby(2);
        execute(cluster.primary(), "CREATE TABLE cascade_rows (val int)", "INSERT INTO cascade_rows VALUES (1)");
        cluster.awaitReplication(PATIENCE);

        cluster.stop(middle);
        ReplicatedRow.on(follower).within(PATIENCE)
                .awaitValue("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'", 0L);
        execute(cluster.primary(), "INSERT INTO cascade_rows VALUES (2)");
        String written = flushLsn(cluster.primary());
        awaitReceived(direct, written);   // the WAL flowed: it could have reached the follower by now

        String followerReceived = receivedLsn(follower);
        assertThat(isBefore(cluster.primary(), followerReceived, written))
                .as("follower received up to %s, the primary wrote up to %s", followerReceived, written).isTrue();
        assertThat(count(follower, "cascade_rows")).as("written while its upstream was stopped").isEqualTo(1);

        cluster.start(middle);
        cluster.awaitReplication(PATIENCE);
        assertThat(count(middle, "cascade_rows")).isEqualTo(2);
        assertThat(count(follower, "cascade_rows")).isEqualTo(2);
        awaitStreamingFrom(middle, "standby-1:streaming");
        awaitStreamingFrom(cluster.primary(), "standby-0:streaming,standby-2:streaming");
    }

    @Test
    void stoppedStandbyIsNamedByAwaitReplicationAndCatchesUpAfterStart(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(2);
        cluster.stop(standby);
        execute(cluster.primary(), "CREATE TABLE while_stopped (val int)", "INSERT INTO while_stopped VALUES (5)");

        assertThatThrownBy(cluster::awaitReplication).isInstanceOf(ReplicationTimeoutException.class)
                .hasMessage("Replication cannot catch up: standby-2 is stopped; start() it, or wait only after it runs again");

        cluster.start(standby);
        cluster.awaitReplication(PATIENCE);
        assertThat(count(standby, "while_stopped")).isEqualTo(1);
        awaitStreamingFrom(cluster.primary(), "standby-0:streaming,standby-2:streaming");
    }

    @Test
    void killedPrimaryKeepsEveryCommittedRowAndItsStandbysStreamAgain(PostgresCluster cluster) throws Exception {
        execute(cluster.primary(), "CREATE TABLE crash_safe (val int)", "INSERT INTO crash_safe SELECT generate_series(1, 1000)");
        cluster.kill(cluster.primary());
        cluster.start(cluster.primary());
        assertThat(count(cluster.primary(), "crash_safe")).as("after crash recovery").isEqualTo(1000);

        cluster.restart(cluster.standby(2));
        execute(cluster.primary(), "INSERT INTO crash_safe VALUES (1001)");
        cluster.awaitReplication(PATIENCE);
        for (PostgresNode standby : cluster.standbys()) {
            assertThat(count(standby, "crash_safe")).as(standby.name()).isEqualTo(1001);
        }
        awaitStreamingFrom(cluster.primary(), "standby-0:streaming,standby-2:streaming");
    }
}
