package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.awaitStreamingFrom;
import static dev.hotstandby.conformance.Sql.count;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@code synchronous = true}: commits wait until the standby has applied them (remote_apply). */
@PostgresStandbyCluster(shared = true, standbys = 1, synchronous = true)
class SynchronousCommitTest {

    @Test
    void everyCommittedRowIsOnTheStandbyTheMomentTheCommitReturns(PostgresCluster cluster) throws Exception {
        try (Connection primary = cluster.primary().dataSource().getConnection();
             Connection standby = cluster.standby(0).dataSource().getConnection();
             Statement onPrimary = primary.createStatement()) {
            onPrimary.execute("CREATE TABLE read_your_writes (val int)");
            for (int i = 1; i <= 50; i++) {
                onPrimary.execute("INSERT INTO read_your_writes VALUES (" + i + ")");
                // no wait at all: an asynchronous standby would miss some of these
                assertThat(single(standby, "SELECT count(*) FROM read_your_writes")).isEqualTo(String.valueOf(i));
            }
            assertThat(single(primary, "SHOW synchronous_commit")).isEqualTo("remote_apply");
            assertThat(single(primary, "SELECT application_name || ':' || sync_state FROM pg_stat_replication"))
                    .isEqualTo("standby-0:sync");
        }
    }

    @Test
    void aCommitWaitsWhileTheSynchronousStandbyIsStoppedAndReturnsAfterItStarts(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        execute(cluster.primary(), "CREATE TABLE held_commit (val int)");
        cluster.stop(standby);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> commit = writer.submit(() -> {
                execute(cluster.primary(), "INSERT INTO held_commit VALUES (1)");
                return null;
            });
            // observable on the primary: the backend waits for synchronous replication
            ReplicatedRow.on(cluster.primary()).within(PATIENCE).awaitValue(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'", 1L);
            assertThatThrownBy(() -> commit.get(1, TimeUnit.SECONDS)).as("commit with the sync standby stopped")
                    .isInstanceOf(TimeoutException.class);

            cluster.start(standby);
            commit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(count(standby, "held_commit")).as("applied before the commit returned").isEqualTo(1);
            awaitStreamingFrom(cluster.primary(), "standby-0:streaming");
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void applyDelayIsRefusedAndTheClusterStaysSynchronous(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        assertThatThrownBy(() -> cluster.applyDelay(standby, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("applyDelay(standby-0): this cluster is synchronous (synchronous_commit = remote_apply),"
                        + " so an apply delay would hold every commit on the primary for PT1S; use an asynchronous"
                        + " cluster for lag tests");
        assertThat(single(standby, "SHOW recovery_min_apply_delay")).isEqualTo("0");
        execute(cluster.primary(), "CREATE TABLE after_refusal (val int)", "INSERT INTO after_refusal VALUES (1)");
        assertThat(count(standby, "after_refusal")).isEqualTo(1);
    }
}
