package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.awaitStreamingFrom;
import static dev.hotstandby.conformance.Sql.count;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cut link behaves as the network does on every backend: the primary's WAL sender stays until
 * wal_sender_timeout, a synchronous commit waits until the link is back, then returns with its
 * row on the standby. A delayed link makes every synchronous commit wait a round trip.
 */
@PostgresStandbyCluster(shared = true, standbys = 1, synchronous = true)
class LinkCutTest {

    @Test
    void aCutKeepsTheWalSenderUntilItsTimeoutAndHoldsASynchronousCommitUntilReconnect(PostgresCluster cluster)
            throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode standby = cluster.standby(0);
        execute(primary, "CREATE TABLE across_the_cut (val int)");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        cluster.disconnect(standby);
        try {
            Future<?> commit = writer.submit(() -> {
                execute(primary, "INSERT INTO across_the_cut VALUES (1)");
                return null;
            });
            ReplicatedRow.on(primary).within(PATIENCE).awaitValue(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'", 1L);
            // the primary does not know yet: its WAL sender waits for wal_sender_timeout (5 s here)
            assertThat(single(primary, "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'standby-0'"))
                    .isEqualTo("1");
            ReplicatedRow.on(primary).within(PATIENCE).awaitValue(
                    "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'standby-0'", 0L);
            assertThat(commit.isDone()).as("the commit, with its synchronous standby cut off").isFalse();

            cluster.reconnect(standby);
            commit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(count(standby, "across_the_cut")).as("applied before the commit returned").isEqualTo(1);
            awaitStreamingFrom(primary, "standby-0:streaming");
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void aDelayedLinkMakesEverySynchronousCommitWaitARoundTrip(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        execute(cluster.primary(), "CREATE TABLE delayed_commits (val int)");
        LinkFaultSupport.applyOrSkip(cluster, "delayLink", () -> cluster.delayLink(standby, Duration.ofMillis(50)));
        List<Long> delayed;
        try {
            delayed = commitMillis(cluster, 3);
        } finally {
            cluster.delayLink(standby, Duration.ZERO);
        }
        // the round trip is a floor whatever the machine's load; the ceiling is the latency plus a
        // margin wide enough for a loaded machine, far below what a second round trip would cost
        assertThat(delayed).allSatisfy(millis -> assertThat(millis).isGreaterThanOrEqualTo(100));
        assertThat(Collections.min(delayed)).as("the fastest delayed commit").isLessThan(100 + 150);
        assertThat(Collections.min(commitMillis(cluster, 3))).as("the fastest commit with the delay removed")
                .isLessThan(100);
        assertThat(count(standby, "delayed_commits")).as("each applied before its commit returned").isEqualTo(6);
    }

    private static List<Long> commitMillis(PostgresCluster cluster, int commits) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < commits; i++) {
            long started = System.nanoTime();
            execute(cluster.primary(), "INSERT INTO delayed_commits VALUES (" + i + ")");
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        return millis;
    }
}
