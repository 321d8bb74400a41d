package dev.hotstandby.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stale-read mode on Boot's DataSource: read-only transactions reach the named standby (the second
 * here, to show the index counts), everything else the primary, both counted; the standby replays the
 * lag behind, the other standby does not. The lag is 5 s so that a read right after a write surely
 * comes before the replay, even on a slow machine.
 */
@SpringBootTest(classes = TestApplication.class,
        properties = {"hotstandby.read-only-routing=standby1", "hotstandby.replica-lag=5s"})
@PostgresStandbyCluster(standbys = 2)
class StaleReadRoutingTest {
    private static final String SERVER = "SELECT current_setting('cluster_name') || CASE WHEN pg_is_in_recovery()"
            + " THEN ' in recovery' ELSE ' primary' END";

    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    ReadOnlyRouting routing;
    @Autowired
    PostgresCluster cluster;

    @Test
    void aReadOnlyTransactionRunsOnTheNamedStandbyAndIsCounted() {
        String server = readOnly().execute(status -> jdbc.sql(SERVER).query(String.class).single());

        assertThat(server).isEqualTo("standby-1 in recovery");
        assertThat(routing.standbyTransactions()).isEqualTo(1);
        assertThat(routing.primaryTransactions()).isZero();
    }

    @Test
    void aReadWriteTransactionAndWorkOutsideTransactionsRunOnThePrimary() {
        String inTransaction = new TransactionTemplate(transactions).execute(status -> jdbc.sql(SERVER).query(String.class).single());
        String outside = jdbc.sql(SERVER).query(String.class).single();

        assertThat(inTransaction).isEqualTo("primary primary");
        assertThat(outside).isEqualTo("primary primary");
        assertThat(routing.primaryTransactions()).isEqualTo(2);
        assertThat(routing.standbyTransactions()).isZero();
    }

    @Test
    void aJdbcConnectionSetReadOnlyBeforeItsFirstStatementRunsOnTheStandby() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setReadOnly(true);

            assertThat(serverOf(connection)).isEqualTo("standby-1 in recovery");
        }
        try (Connection connection = dataSource.getConnection()) {
            assertThat(serverOf(connection)).isEqualTo("primary primary");
        }
    }

    @Test
    void onlyTheRoutedStandbyReplaysWithTheLag() {
        assertThat(setting(cluster.standby(1), "recovery_min_apply_delay")).isEqualTo("5s");
        assertThat(setting(cluster.standby(0), "recovery_min_apply_delay")).isEqualTo("0");
    }

    @Test
    void aWriteIsMissingOnTheLaggingStandbyAfterItArrivedThereAndPresentOnceTheLagHasPassed() {
        long id = jdbc.sql("INSERT INTO customer (name) VALUES ('Ada') RETURNING id").query(Long.class).single();
        String committedAt = jdbc.sql("SELECT pg_current_wal_lsn()::text").query(String.class).single();
        // on the primary, replayed by the standby without a lag, and received (only not replayed) by the lagging one
        assertThat(countOn(JdbcClient.create(cluster.primary().dataSource()), id)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(countOn(direct(cluster.standby(0)), id)).isEqualTo(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> direct(cluster.standby(1))
                .sql("SELECT pg_last_wal_receive_lsn() >= ?::pg_lsn").param(committedAt).query(Boolean.class).single());

        assertThat(readOnlyCount(id)).isZero();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(readOnlyCount(id)).isEqualTo(1));
    }

    private TransactionTemplate readOnly() {
        TransactionTemplate readOnly = new TransactionTemplate(transactions);
        readOnly.setReadOnly(true);
        return readOnly;
    }

    private long readOnlyCount(long id) {
        Long count = readOnly().execute(status -> countOn(jdbc, id));
        return count;
    }

    private static long countOn(JdbcClient client, long id) {
        return client.sql("SELECT count(*) FROM customer WHERE id = ?").param(id).query(Long.class).single();
    }

    private static JdbcClient direct(PostgresNode node) {
        return JdbcClient.create(node.dataSource());
    }

    private static String setting(PostgresNode node, String name) {
        return direct(node).sql("SELECT current_setting(?)").param(name).query(String.class).single();
    }

    private static String serverOf(Connection connection) {
        return JdbcClient.create(new SingleConnectionDataSource(connection, true)).sql(SERVER).query(String.class).single();
    }
}
