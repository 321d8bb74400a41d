package dev.hotstandby;

import static dev.hotstandby.PostgresClusterTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Promotion, crashes and restarts on the engine API. */
class FailoverTest {

    @Test
    void promotedStandbyTakesWritesAndTheOtherStandbyFollowsItsNewTimeline() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
            execute(cluster.primary(), "CREATE TABLE orders (id int)", "INSERT INTO orders VALUES (1)");
            cluster.awaitReplication();
            PostgresNode formerPrimary = cluster.primary();
            PostgresNode chosen = cluster.standby(0);

            cluster.kill(formerPrimary);
            PostgresNode promoted = cluster.promote(chosen);

            assertThat(promoted).isSameAs(chosen);
            assertThat(cluster.primary()).isSameAs(chosen);
            assertThat(promoted.isPrimary()).isTrue();
            assertThat(formerPrimary.isPrimary()).isFalse();
            assertThat(formerPrimary.isStandby()).isFalse();
            assertThat(cluster.standbys()).extracting(PostgresNode::name).containsExactly("standby-1");
            execute(promoted, "INSERT INTO orders VALUES (2)");
            cluster.awaitReplication();
            try (Connection follower = cluster.standby(0).dataSource().getConnection();
                 Statement statement = follower.createStatement();
                 Connection primary = promoted.dataSource().getConnection();
                 Statement onPrimary = primary.createStatement()) {
                assertThat(query(statement, "SELECT count(*) FROM orders")).isEqualTo("2");
                assertThat(query(statement, "SELECT received_tli FROM pg_stat_wal_receiver")).isEqualTo("2");
                assertThat(query(onPrimary, "SELECT application_name || ':' || state FROM pg_stat_replication"))
                        .isEqualTo("standby-1:streaming");
            }
        }
    }

    @Test
    void formerPrimaryRejoinsAsAStandbyOfTheNewPrimary() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            PostgresNode formerPrimary = cluster.primary();
            execute(formerPrimary, "CREATE TABLE t (val int)", "INSERT INTO t VALUES (1)");
            cluster.awaitReplication();
            cluster.kill(formerPrimary);
            PostgresNode promoted = cluster.promote(cluster.standby(0));
            execute(promoted, "INSERT INTO t VALUES (2)");

            assertThatThrownBy(() -> cluster.rejoin(promoted)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("standby-0 is the primary");
            cluster.rejoin(formerPrimary);

            assertThat(formerPrimary.isStandby()).isTrue();
            assertThat(cluster.standbys()).containsExactly(formerPrimary);
            execute(promoted, "INSERT INTO t VALUES (3)");
            cluster.awaitReplication();
            assertThat(single(formerPrimary, "SELECT string_agg(val::text, ',' ORDER BY val) FROM t")).isEqualTo("1,2,3");
            assertThat(single(formerPrimary, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(single(promoted, "SELECT application_name || ':' || state FROM pg_stat_replication"))
                    .isEqualTo("primary:streaming");
            assertThatThrownBy(() -> cluster.rejoin(formerPrimary)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("rejoin(primary): primary is already a standby; only a former primary, after promote(), rejoins");
        }
    }

    @Test
    void stoppedStandbyCatchesUpAfterStart() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            PostgresNode standby = cluster.standby(0);
            cluster.stop(standby);
            execute(cluster.primary(), "CREATE TABLE t (val int)", "INSERT INTO t VALUES (5)");

            assertThatThrownBy(cluster::awaitReplication).isInstanceOf(ReplicationTimeoutException.class)
                    .hasMessageContaining("standby-0 is stopped");

            cluster.start(standby);
            cluster.awaitReplication();
            assertThat(single(standby, "SELECT val FROM t")).isEqualTo("5");
        }
    }

    @Test
    void killedPrimaryKeepsEveryCommittedRowAfterCrashRecovery() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            execute(cluster.primary(), "CREATE TABLE t (val int)", "INSERT INTO t SELECT generate_series(1, 1000)");
            cluster.kill(cluster.primary());
            cluster.start(cluster.primary());
            assertThat(single(cluster.primary(), "SELECT count(*) FROM t")).isEqualTo("1000");
            cluster.restart(cluster.standby(0));
            execute(cluster.primary(), "INSERT INTO t VALUES (1001)");
            cluster.awaitReplication();
            assertThat(single(cluster.standby(0), "SELECT count(*) FROM t")).isEqualTo("1001");
        }
    }

    @Test
    void multiHostUrlFindsThePrimaryBeforeAndAfterAFailover() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            assertThat(serverName(cluster, "primary")).isEqualTo("primary");
            assertThat(serverName(cluster, "preferSecondary")).isEqualTo("standby-0");

            cluster.stop(cluster.primary());
            cluster.promote(cluster.standby(0));

            assertThat(serverName(cluster, "primary")).isEqualTo("standby-0");
        }
    }

    @Test
    void misuseFailsClearlyAndLeavesTheClusterUsable() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
            assertThatThrownBy(() -> cluster.promote(cluster.primary())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("promote(primary): primary is the primary; promote takes a standby");
            assertThatThrownBy(() -> cluster.standby(5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("standby(5): this cluster has 2 standby(s), indexes 0 to 1");
            assertThatThrownBy(() -> cluster.start(cluster.standby(0))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("standby-0 is already running");
            cluster.disconnect(cluster.standby(1));
            assertThatThrownBy(() -> cluster.disconnect(cluster.standby(1))).isInstanceOf(IllegalStateException.class)
                    .hasMessage("disconnect(standby-1): standby-1 is already disconnected; reconnect() it first");
            assertThatThrownBy(() -> cluster.promote(cluster.standby(1))).isInstanceOf(IllegalStateException.class)
                    .hasMessage("promote(standby-1): standby-1 is disconnected (disconnect() cut its link); reconnect() it first");
            cluster.reconnect(cluster.standby(1));

            execute(cluster.primary(), "CREATE TABLE still_fine (val int)");
            cluster.awaitReplication();
            assertThat(single(cluster.standby(1), "SELECT count(*) FROM still_fine")).isEqualTo("0");
        }
    }

    @Test
    void applyDelayIsRefusedOnASynchronousCluster() {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).synchronous(true).start()) {
            assertThatThrownBy(() -> cluster.applyDelay(cluster.standby(0), java.time.Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("this cluster is synchronous");
            cluster.awaitReplication();
        }
    }

    private static String serverName(PostgresCluster cluster, String targetServerType) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", cluster.primary().username());
        properties.setProperty("password", cluster.primary().password());
        properties.setProperty("targetServerType", targetServerType);
        // pgjdbc remembers which host was a standby for 10 s by default; a failover changes that at once
        properties.setProperty("hostRecheckSeconds", "0");
        try (Connection connection = DriverManager.getConnection(cluster.multiHostJdbcUrl(), properties);
             Statement statement = connection.createStatement()) {
            return query(statement, "SELECT current_setting('cluster_name')");
        }
    }

    static void execute(PostgresNode node, String... statements) throws Exception {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    static String single(PostgresNode node, String sql) throws Exception {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            return query(statement, sql);
        }
    }
}
