package dev.hotstandby.samples;

import static dev.hotstandby.samples.Sql.execute;
import static dev.hotstandby.samples.Sql.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.ReplicationTimeoutException;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A standby that lags on purpose: it <em>receives</em> the primary's WAL but does not <em>apply</em>
 * it yet, so reads on it show an older state. Two ways to get there: pausing replay, and an apply
 * delay ({@code recovery_min_apply_delay}). Each test puts the standby back to normal at its end.
 *
 * <p>To show a row is held back rather than merely slow, each test first waits until the standby has
 * received the WAL of the commit ({@code pg_last_wal_receive_lsn()}), then asserts the row is absent.
 */
@PostgresStandbyCluster(shared = true)
class ReplayLagTest {

    @Test
    void pausedReplayHidesNewRowsUntilResumed(@Primary PostgresNode primary, @Standby PostgresNode standby,
                                              PostgresCluster cluster) throws Exception {
        execute(primary.dataSource(), "CREATE TABLE paused_orders (id int)");
        cluster.awaitReplication();

        cluster.pauseReplay(standby);
        execute(primary.dataSource(), "INSERT INTO paused_orders VALUES (1)");
        // The standby keeps receiving while replay is paused: wait until the commit is on its disk.
        String committedUpTo = query(primary.dataSource(), "SELECT pg_current_wal_flush_lsn()");
        ReplicatedRow.on(standby).awaitValue("SELECT pg_last_wal_receive_lsn() >= ?::pg_lsn", true, committedUpTo);

        assertEquals("t", query(standby.dataSource(), "SELECT pg_is_wal_replay_paused()"));
        assertEquals("0", query(standby.dataSource(), "SELECT count(*) FROM paused_orders"), "received but not replayed");
        // A paused standby never catches up, so awaitReplication() refuses at once instead of timing out.
        ReplicationTimeoutException refused = assertThrows(ReplicationTimeoutException.class, cluster::awaitReplication);
        assertTrue(refused.getMessage().contains("paused"), refused.getMessage());

        cluster.resumeReplay(standby);
        cluster.awaitReplication();
        assertEquals("1", query(standby.dataSource(), "SELECT count(*) FROM paused_orders"));
    }

    @Test
    void applyDelayHoldsACommittedRowBackUntilLifted(@Primary PostgresNode primary, @Standby PostgresNode standby,
                                                     PostgresCluster cluster) throws Exception {
        int major = Integer.parseInt(query(primary.dataSource(), "SELECT current_setting('server_version_num')::int / 10000"));
        assumeTrue(major >= 12, "applyDelay() sets recovery_min_apply_delay at runtime, a server setting from"
                + " PostgreSQL 12 on (recovery.conf before); this server is " + major);

        execute(primary.dataSource(), "CREATE TABLE delayed_orders (id int)");
        cluster.awaitReplication();

        cluster.applyDelay(standby, Duration.ofMinutes(5));
        // applyDelay() reloads the standby's configuration, which happens asynchronously: wait until a new
        // session sees the new value, i.e. the server has reloaded, before committing the row to hold back.
        ReplicatedRow.on(standby).awaitValue("SELECT current_setting('recovery_min_apply_delay')", "5min");

        execute(primary.dataSource(), "INSERT INTO delayed_orders VALUES (1)");
        String committedUpTo = query(primary.dataSource(), "SELECT pg_current_wal_flush_lsn()");
        ReplicatedRow.on(standby).awaitValue("SELECT pg_last_wal_receive_lsn() >= ?::pg_lsn", true, committedUpTo);
        // Replay waits until 5 minutes after the commit's timestamp: asserting absence now is safe.
        assertEquals("0", query(standby.dataSource(), "SELECT count(*) FROM delayed_orders"), "held back by the apply delay");

        cluster.applyDelay(standby, Duration.ZERO);   // lifted: the waiting commit is applied right away
        cluster.awaitReplication();
        assertEquals("1", query(standby.dataSource(), "SELECT count(*) FROM delayed_orders"));
    }
}
