package dev.hotstandby;

import static dev.hotstandby.PostgresClusterTest.execute;
import static dev.hotstandby.PostgresClusterTest.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Synchronous modes, cascading, slots and the WAL archive. */
class ReplicationOptionsTest {

    @Test
    void synchronousRemoteApplyMeansReadYourWritesOnEveryStandbyWithoutWaiting() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).synchronous(true).start();
             Connection primary = cluster.primary().dataSource().getConnection();
             Connection first = cluster.standby(0).dataSource().getConnection();
             Connection second = cluster.standby(1).dataSource().getConnection();
             Statement onPrimary = primary.createStatement();
             Statement onFirst = first.createStatement();
             Statement onSecond = second.createStatement()) {
            onPrimary.execute("CREATE TABLE t (val int)");
            for (int i = 1; i <= 50; i++) {
                onPrimary.execute("INSERT INTO t VALUES (" + i + ")");
                assertThat(PostgresClusterTest.query(onFirst, "SELECT count(*) FROM t")).isEqualTo(String.valueOf(i));
                assertThat(PostgresClusterTest.query(onSecond, "SELECT count(*) FROM t")).isEqualTo(String.valueOf(i));
            }
            assertThat(PostgresClusterTest.query(onPrimary, "SELECT string_agg(sync_state, ',') FROM pg_stat_replication"))
                    .isEqualTo("sync,sync");
            assertThat(PostgresClusterTest.query(onPrimary, "SHOW synchronous_commit")).isEqualTo("remote_apply");
        }
    }

    @Test
    void quorumAndCommitLevelAreApplied() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).synchronous(true).quorum(Quorum.any(1))
                .synchronousCommit(SynchronousCommit.REMOTE_WRITE).start()) {
            assertThat(single(cluster.primary(), "SHOW synchronous_standby_names"))
                    .isEqualTo("ANY 1 (\"standby-0\", \"standby-1\")");
            assertThat(single(cluster.primary(), "SHOW synchronous_commit")).isEqualTo("remote_write");
            assertThat(single(cluster.primary(), "SELECT string_agg(sync_state, ',') FROM pg_stat_replication"))
                    .isEqualTo("quorum,quorum");
        }
    }

    @Test
    void cascadedStandbyStreamsFromItsUpstreamStandby() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).upstreams(-1, 0).start()) {
            assertThat(single(cluster.primary(), "SELECT string_agg(application_name, ',') FROM pg_stat_replication"))
                    .isEqualTo("standby-0");
            assertThat(single(cluster.standby(0), "SELECT string_agg(application_name || ':' || state, ',') FROM pg_stat_replication"))
                    .isEqualTo("standby-1:streaming");
            execute(cluster.primary(), "CREATE TABLE t (val int)", "INSERT INTO t VALUES (7)");
            cluster.awaitReplication();
            assertThat(single(cluster.standby(1), "SELECT val FROM t")).isEqualTo("7");
        }
    }

    @Test
    void replicationSlotsHoldWalForEachStandby() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).replicationSlots(true).start()) {
            assertThat(single(cluster.primary(),
                    "SELECT string_agg(slot_name || ':' || active, ',' ORDER BY slot_name) FROM pg_replication_slots"))
                    .isEqualTo("standby_0:true,standby_1:true");
        }
    }

    @Test
    void standbyKeptAwayCatchesUpFromTheArchiveAfterThePrimaryRecycledItsWal() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).archiving(true).start()) {
            PostgresNode standby = cluster.standby(0);
            execute(cluster.primary(), "CREATE TABLE t (val int)");
            cluster.awaitReplication();
            String replayed = single(standby, "SELECT pg_last_wal_replay_lsn()");
            String needed = single(cluster.primary(), "SELECT pg_walfile_name('" + replayed + "')");
            cluster.stop(standby);

            List<String> work = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                work.add("INSERT INTO t SELECT generate_series(1, 5000)");
                work.add("SELECT pg_switch_wal()");
                work.add("CHECKPOINT");
            }
            execute(cluster.primary(), work.toArray(String[]::new));
            String lastSegment = single(cluster.primary(), "SELECT pg_walfile_name(pg_switch_wal())");
            assertThat(single(cluster.primary(), "SELECT count(*) FROM pg_ls_waldir() WHERE name = '" + needed + "'"))
                    .as("the primary recycled " + needed).isEqualTo("0");
            ReplicatedRow.on(cluster.primary()).awaitValue(
                    "SELECT last_archived_wal >= ? FROM pg_stat_archiver", true, lastSegment);

            cluster.start(standby);
            cluster.awaitReplication();

            assertThat(single(standby, "SELECT count(*) FROM t")).isEqualTo("60000");
            assertThat(String.join("\n", standby.logTail(400))).contains("restored log file");
        }
    }

    @Test
    void badOptionsAreRejectedBeforeAnythingStarts() {
        assertThatThrownBy(() -> PostgresCluster.builder().standbys(2).quorum(Quorum.any(1)).spec())
                .hasMessage("PostgresCluster.builder(): quorum ANY 1 needs synchronous = true");
        assertThatThrownBy(() -> PostgresCluster.builder().standbys(2).synchronous(true).quorum(Quorum.first(3)).spec())
                .hasMessage("PostgresCluster.builder(): quorum must require 1 to 2 standby(s) streaming from the primary but was FIRST 3");
        assertThatThrownBy(() -> PostgresCluster.builder().standbys(2).upstreams(1, 0).spec())
                .hasMessageContaining("upstreams form a loop through standby 0");
        assertThatThrownBy(() -> PostgresCluster.builder().standbys(2).upstreams(-1).spec())
                .hasMessageContaining("upstreams must name one upstream per standby (2) but has 1");
        assertThatThrownBy(() -> PostgresCluster.builder().version("11").archiving(true).spec())
                .hasMessageContaining("archiving needs PostgreSQL 12 or newer");
        assertThatThrownBy(() -> Quorum.parse("SOME 2", "quorum")).hasMessageContaining("quorum must look like \"FIRST 1\"");
    }
}
