package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.awaitReceived;
import static dev.hotstandby.conformance.Sql.count;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.flushLsn;
import static dev.hotstandby.conformance.Sql.major;
import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.ReplicationTimeoutException;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A standby that receives WAL but does not apply it: paused replay and an apply delay. A row is shown
 * to be held back, not merely slow, by first waiting until the standby has <em>received</em> its commit.
 * Each test puts the standby back to normal.
 */
@PostgresStandbyCluster(shared = true, standbys = 1)
class ReplayLagTest {

    @Test
    void pausedReplayHidesNewRowsUntilResumed(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        execute(cluster.primary(), "CREATE TABLE paused (val int)");
        cluster.awaitReplication(PATIENCE);

        cluster.pauseReplay(standby);
        execute(cluster.primary(), "INSERT INTO paused VALUES (1)");
        awaitReceived(standby, flushLsn(cluster.primary()));

        assertThat(single(standby, "SELECT pg_is_wal_replay_paused()")).isEqualTo("t");
        assertThat(count(standby, "paused")).as("received but not replayed").isEqualTo(0);
        assertThatThrownBy(cluster::awaitReplication).isInstanceOf(ReplicationTimeoutException.class)
                .hasMessage("Replication cannot catch up: replay is paused on standby-0; resumeReplay() it first");

        cluster.resumeReplay(standby);
        cluster.awaitReplication(PATIENCE);
        assertThat(count(standby, "paused")).isEqualTo(1);
    }

    @Test
    void applyDelayHoldsCommitsBackUntilLifted(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        int major = major(standby);
        assumeTrue(major >= 12, "applyDelay() sets recovery_min_apply_delay at runtime, a server setting from"
                + " PostgreSQL 12 on; this cluster runs " + major);
        execute(cluster.primary(), "CREATE TABLE delayed (val int)");
        cluster.awaitReplication(PATIENCE);

        cluster.applyDelay(standby, Duration.ofMinutes(5));
        // the reload behind applyDelay() is asynchronous: commit only once a new session sees the delay
        ReplicatedRow.on(standby).within(PATIENCE).awaitValue("SELECT current_setting('recovery_min_apply_delay')", "5min");
        execute(cluster.primary(), "INSERT INTO delayed VALUES (1)");
        awaitReceived(standby, flushLsn(cluster.primary()));
        assertThat(count(standby, "delayed")).as("received, held back by the delay").isEqualTo(0);

        assertThatThrownBy(() -> cluster.awaitReplication(Duration.ofMillis(300)))
                .isInstanceOf(ReplicationTimeoutException.class)
                .hasMessageContaining("Replication did not catch up within PT0.3S: primary flushed WAL up to")
                .hasMessageContaining("pg_stat_replication on primary:")
                .hasMessageContaining("standby-0: state=streaming")
                .hasMessageContaining("standby-0: replayed up to");

        cluster.applyDelay(standby, Duration.ZERO);
        cluster.awaitReplication(PATIENCE);
        assertThat(count(standby, "delayed")).isEqualTo(1);
        assertThat(single(standby, "SELECT current_setting('recovery_min_apply_delay')")).isEqualTo("0");
    }
}
