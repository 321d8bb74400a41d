package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.assertTwoStandbysStillReplicate;
import static dev.hotstandby.conformance.Sql.awaitStreamingFrom;
import static dev.hotstandby.conformance.Sql.major;
import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicationTimeoutException;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Operations that cannot apply fail with the same exception type and message on every backend, before
 * touching a server, and leave the cluster replicating: after each test every standby streams and
 * receives a new row.
 */
@PostgresStandbyCluster(shared = true, standbys = 2)
class MisuseTest {
    private static final AtomicInteger CHECKS = new AtomicInteger();

    @AfterEach
    void clusterStillReplicates(PostgresCluster cluster) throws Exception {
        assertTwoStandbysStillReplicate(cluster, "still_fine_" + CHECKS.incrementAndGet());
    }

    @Test
    void runsOnTheBackendThatHotstandbyBackendNames(PostgresCluster cluster) {
        Backend expected = Backend.valueOf(System.getProperty("hotstandby.backend", "local").trim().toUpperCase(Locale.ROOT));
        assertThat(cluster.spec().backend()).isEqualTo(expected);
    }

    @Test
    void promotingOrRejoiningTheWrongNode(PostgresCluster cluster) {
        assertThatThrownBy(() -> cluster.promote(cluster.primary())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("promote(primary): primary is the primary; promote takes a standby");
        assertThatThrownBy(() -> cluster.rejoin(cluster.standby(0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rejoin(standby-0): standby-0 is already a standby; only a former primary, after promote(), rejoins");
        assertThatThrownBy(() -> cluster.rejoin(cluster.primary())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rejoin(primary): primary is the primary; only a former primary, after promote(), rejoins");
        assertThat(cluster.primary().name()).isEqualTo("primary");
    }

    @Test
    void standbyIndexOutOfRange(PostgresCluster cluster) {
        assertThatThrownBy(() -> cluster.standby(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("standby(5): this cluster has 2 standby(s), indexes 0 to 1");
        assertThatThrownBy(() -> cluster.standby(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("standby(-1): this cluster has 2 standby(s), indexes 0 to 1");
    }

    @Test
    void replayAndApplyDelayMisuse(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        assertThatThrownBy(() -> cluster.resumeReplay(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("resumeReplay(standby-0): replay is not paused");
        assertThatThrownBy(() -> cluster.pauseReplay(cluster.primary())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pauseReplay(primary): primary is the primary; pauseReplay takes a standby");

        cluster.pauseReplay(standby);
        assertThatThrownBy(() -> cluster.pauseReplay(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("pauseReplay(standby-0): replay is already paused");
        assertThatThrownBy(() -> cluster.promote(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("promote(standby-0): replay is paused on standby-0; resumeReplay() it first");
        assertThat(single(standby, "SELECT pg_is_wal_replay_paused()")).as("still paused after the refusals").isEqualTo("t");
        cluster.resumeReplay(standby);
        assertThat(single(standby, "SELECT pg_is_wal_replay_paused()")).isEqualTo("f");
    }

    @Test
    void negativeApplyDelay(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        int major = major(standby);
        // before 12 applyDelay() refuses any delay, with "needs PostgreSQL 12 or newer"
        assumeTrue(major >= 12, "applyDelay() needs PostgreSQL 12 or newer; this cluster runs " + major);
        assertThatThrownBy(() -> cluster.applyDelay(standby, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("applyDelay(standby-0): the delay must not be negative but was PT-1S");
        assertThat(single(standby, "SHOW recovery_min_apply_delay")).isEqualTo("0");
    }

    @Test
    void linkMisuse(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(1);
        assertThatThrownBy(() -> cluster.reconnect(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("reconnect(standby-1): standby-1 is not disconnected");
        cluster.disconnect(standby);
        assertThatThrownBy(() -> cluster.disconnect(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("disconnect(standby-1): standby-1 is already disconnected; reconnect() it first");
        assertThatThrownBy(() -> cluster.promote(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("promote(standby-1): standby-1 is disconnected (disconnect() cut its link); reconnect() it first");
        assertThatThrownBy(cluster::awaitReplication).isInstanceOf(ReplicationTimeoutException.class)
                .hasMessage("Replication cannot catch up: standby-1 is disconnected from the primary (disconnect() cut its"
                        + " link); reconnect() it first");
        cluster.reconnect(standby);
    }

    @Test
    void stoppedAndRunningNodeMisuse(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(1);
        assertThatThrownBy(() -> cluster.start(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("start(standby-1): standby-1 is already running; stop() or kill() it first, or use restart()");
        cluster.stop(standby);
        assertThatThrownBy(() -> cluster.stop(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("stop(standby-1): standby-1 is stopped; start() it first");
        assertThatThrownBy(() -> cluster.kill(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("kill(standby-1): standby-1 is stopped; start() it first");
        assertThatThrownBy(() -> cluster.disconnect(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("disconnect(standby-1): standby-1 is stopped; start() it first");
        assertThatThrownBy(() -> cluster.pauseReplay(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("pauseReplay(standby-1): standby-1 is stopped; start() it first");
        assertThatThrownBy(() -> cluster.promote(standby)).isInstanceOf(IllegalStateException.class)
                .hasMessage("promote(standby-1): standby-1 is stopped; start() it first");
        // the refusals changed nothing: the standby is still down, so the primary streams to standby-0 only
        awaitStreamingFrom(cluster.primary(), "standby-0:streaming");
        cluster.start(standby);
    }

    @Test
    void clientFaultsNeedTheClusterToRelayTheTestsConnections(PostgresCluster cluster) {
        assertThatThrownBy(() -> cluster.cutClients(cluster.primary()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith(": the test's connections reach primary directly; clientFaults = true (builder:"
                        + " clientFaults(true)) routes them through a relay that cutClients, restoreClients and"
                        + " delayClients act on");
    }
}
