package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.junit.PostgresStandbyCluster;
import org.junit.jupiter.api.Test;

/**
 * After a failover and a rejoin, the link faults reach the rejoined node's link to its new upstream,
 * on every backend (a cluster of its own: the roles change).
 */
@PostgresStandbyCluster(shared = true, standbys = 1)
class LinkFaultsAfterRejoinTest {

    @Test
    void aRejoinedFormerPrimarysNewLinkCanBeReset(PostgresCluster cluster) throws Exception {
        PostgresNode former = cluster.primary();
        PostgresNode promoted = cluster.standby(0);
        execute(former, "CREATE TABLE across_the_failover (val int)");
        cluster.awaitReplication();
        cluster.stop(former);
        cluster.promote(promoted);
        cluster.rejoin(former);
        assertThat(single(former, "SELECT pg_is_in_recovery()")).isEqualTo("t");

        // the link to its new upstream is a new one (a new relay, or a new pair of addresses): a reset reaches it
        String receiver = single(former, "SELECT pid FROM pg_stat_wal_receiver");
        cluster.resetLink(former);
        assertThat(single(former, "SELECT pid FROM pg_stat_wal_receiver")).isNotEqualTo(receiver);
        execute(promoted, "INSERT INTO across_the_failover VALUES (1)");
        assertThat(ReplicatedRow.on(former).await("SELECT count(*) FROM across_the_failover")).isEqualTo(1L);
    }
}
