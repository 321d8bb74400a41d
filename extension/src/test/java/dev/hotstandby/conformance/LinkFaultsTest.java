package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.count;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.flushLsn;
import static dev.hotstandby.conformance.Sql.receivedLsn;
import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hotstandby.Lsn;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A slow or flaky replication link, on an asynchronous cluster, the same on every backend: a
 * bandwidth cap bounds how fast WAL arrives, a delay shows in replay_lag, a reset makes the standby
 * dial again. Where a machine's kernel cannot delay (no netem), the test checks that it says so and
 * is skipped with that reason.
 */
@PostgresStandbyCluster(shared = true, standbys = 1)
class LinkFaultsTest {
    private static final long CAP = 256 * 1024;

    @Test
    void aCappedLinkDeliversNoFasterThanItsCapAndCatchesUpWhenItIsLifted(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode standby = cluster.standby(0);
        execute(primary, "CREATE TABLE bulk (val text)");
        cluster.awaitReplication();
        cluster.limitLink(standby, CAP);
        try {
            long from = Lsn.parse(receivedLsn(standby)).value();
            long started = System.nanoTime();
            execute(primary, "INSERT INTO bulk SELECT repeat('x', 1000) FROM generate_series(1, 3000)");
            TimeUnit.SECONDS.sleep(2);
            long arrived = Lsn.parse(receivedLsn(standby)).value() - from;
            double seconds = (System.nanoTime() - started) / 1e9;

            // an upper bound, which the cap guarantees whatever the machine's load: what the relay or
            // the kernel's HTB class paces, plus what one chunk, a burst and the sockets' buffers hold
            assertThat(arrived).as("bytes of WAL received in %.1f s at %d bytes/s", seconds, CAP)
                    .isPositive().isLessThanOrEqualTo((long) (CAP * seconds) + 512 * 1024);
            assertThat(Lsn.parse(flushLsn(primary)).value() - from).as("the WAL the load wrote")
                    .isGreaterThan((long) (CAP * seconds) + 512 * 1024);
        } finally {
            cluster.limitLink(standby, 0);
        }
        cluster.awaitReplication(PATIENCE);
        assertThat(single(standby, "SELECT count(*) FROM bulk")).isEqualTo("3000");
    }

    @Test
    void aResetLinkIsDialledAgainByANewWalReceiver(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        PostgresNode primary = cluster.primary();
        String receiver = single(standby, "SELECT pid FROM pg_stat_wal_receiver");
        String sender = single(primary, "SELECT pid FROM pg_stat_replication WHERE application_name = 'standby-0'");
        cluster.resetLink(standby);

        assertThat(single(standby, "SELECT pid FROM pg_stat_wal_receiver")).isNotEqualTo(receiver);
        execute(primary, "CREATE TABLE after_the_reset (val int)", "INSERT INTO after_the_reset VALUES (7)");
        assertThat(ReplicatedRow.on(standby).await("SELECT val FROM after_the_reset")).isEqualTo(7);
        // the primary's end went too: the standby streams to a new WAL sender
        ReplicatedRow.on(primary).within(PATIENCE).awaitValue("SELECT count(*) FROM pg_stat_replication"
                + " WHERE application_name = 'standby-0' AND state = 'streaming' AND pid <> " + sender, 1L);
    }

    @Test
    void aDelayedLinkShowsInTheReplayLag(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode standby = cluster.standby(0);
        execute(primary, "CREATE TABLE lagging (val int)");
        cluster.awaitReplication();
        LinkFaultSupport.applyOrSkip(cluster, "delayLink", () -> cluster.delayLink(standby, Duration.ofMillis(50)));
        try {
            // a commit every 20 ms, so the WAL sender keeps measuring: the lag is one way there, the
            // standby's reply one way back
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
                execute(primary, "INSERT INTO lagging VALUES (1)");
                String millis = single(primary, "SELECT extract(epoch FROM replay_lag) * 1000 FROM pg_stat_replication"
                        + " WHERE application_name = 'standby-0'");
                return millis != null && Double.parseDouble(millis) >= 100;
            });
        } finally {
            cluster.delayLink(standby, Duration.ZERO);
        }
        cluster.awaitReplication(PATIENCE);
        assertThat(count(standby, "lagging")).isEqualTo(count(primary, "lagging")).isPositive();
    }

    @Test
    void misuseFailsAtOnceNamingWhatIsWrong(PostgresCluster cluster) {
        PostgresNode standby = cluster.standby(0);
        assertThatThrownBy(() -> cluster.delayLink(cluster.primary(), Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delayLink(primary): primary is the primary; delayLink takes a standby");
        assertThatThrownBy(() -> cluster.delayLink(standby, Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delayLink(standby-0): the delay must not be negative or null but was PT-0.005S;"
                        + " Duration.ZERO removes it");
        assertThatThrownBy(() -> cluster.limitLink(standby, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limitLink(standby-0): bytesPerSecond must not be negative but was -1; 0 removes the cap");
        assertThatThrownBy(() -> cluster.resetLink(cluster.primary()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resetLink(primary): primary is the primary; resetLink takes a standby");
    }
}
