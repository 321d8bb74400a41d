package dev.hotstandby;

import static dev.hotstandby.FailoverTest.execute;
import static dev.hotstandby.FailoverTest.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Paused replay, apply delay and a cut link: what a lagging or partitioned standby shows. */
class LagAndPartitionTest {

    @Test
    void pausedReplayHidesNewRowsUntilResumed() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            execute(cluster.primary(), "CREATE TABLE t (val int)");
            cluster.awaitReplication();
            PostgresNode standby = cluster.standby(0);

            cluster.pauseReplay(standby);
            execute(cluster.primary(), "INSERT INTO t VALUES (1)");

            assertThat(single(standby, "SELECT pg_is_wal_replay_paused()")).isEqualTo("t");
            assertThat(single(standby, "SELECT count(*) FROM t")).isEqualTo("0");
            assertThatThrownBy(cluster::awaitReplication).hasMessageContaining("replay is paused on standby-0");

            cluster.resumeReplay(standby);
            cluster.awaitReplication();
            assertThat(single(standby, "SELECT count(*) FROM t")).isEqualTo("1");
        }
    }

    @Test
    void applyDelayHoldsCommitsBackUntilLifted() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            execute(cluster.primary(), "CREATE TABLE t (val int)");
            cluster.awaitReplication();
            PostgresNode standby = cluster.standby(0);

            cluster.applyDelay(standby, Duration.ofMinutes(5));
            execute(cluster.primary(), "INSERT INTO t VALUES (1)");
            assertThat(single(standby, "SELECT current_setting('recovery_min_apply_delay')")).isEqualTo("5min");
            assertThat(single(standby, "SELECT count(*) FROM t")).as("held back by the delay").isEqualTo("0");

            assertThatThrownBy(() -> cluster.awaitReplication(Duration.ofMillis(300)))
                    .isInstanceOf(ReplicationTimeoutException.class)
                    .hasMessageContaining("Replication did not catch up within PT0.3S: primary flushed WAL up to")
                    .hasMessageContaining("pg_stat_replication on primary:")
                    .hasMessageContaining("standby-0: state=streaming")
                    .hasMessageContaining("standby-0: replayed up to");

            cluster.applyDelay(standby, Duration.ZERO);
            cluster.awaitReplication();
            assertThat(single(standby, "SELECT count(*) FROM t")).isEqualTo("1");
        }
    }

    @Test
    void rowsWrittenDuringACutArriveAfterReconnect() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            execute(cluster.primary(), "CREATE TABLE t (val int)");
            cluster.awaitReplication();
            PostgresNode standby = cluster.standby(0);

            cluster.disconnect(standby);
            // no receiver streams: on the local backend it exits at once; on a real partition (containers) it
            // notices after wal_receiver_timeout, then retries and fails without the primary's name
            ReplicatedRow.on(standby).awaitValue("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'", 0L);
            execute(cluster.primary(), "INSERT INTO t VALUES (1)");

            assertThat(single(standby, "SELECT count(*) FROM t")).as("written during the cut").isEqualTo("0");
            // at once on the local backend; after wal_sender_timeout on a real partition (containers)
            ReplicatedRow.on(cluster.primary()).awaitValue("SELECT count(*) FROM pg_stat_replication", 0L);
            assertThatThrownBy(cluster::awaitReplication).isInstanceOf(ReplicationTimeoutException.class)
                    .hasMessageContaining("standby-0 is disconnected from the primary");

            cluster.reconnect(standby);
            cluster.awaitReplication();
            assertThat(single(standby, "SELECT count(*) FROM t")).isEqualTo("1");
        }
    }
}
