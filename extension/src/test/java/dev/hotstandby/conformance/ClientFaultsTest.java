package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code clientFaults = true}: the test's handles reach the nodes through relays of the test JVM,
 * on every backend, so the application's connections can hang as a network cut makes them (not
 * refused, not reset) or slow down, while the cluster's own waits still reach the nodes.
 */
@PostgresStandbyCluster(shared = true, standbys = 1, clientFaults = true)
class ClientFaultsTest {

    @Test
    void cutClientsHangsOpenAndNewConnectionsUntilRestoreClients(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        assertThat(primary.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:" + primary.port() + "/");
        assertThat(cluster.multiHostJdbcUrl()).contains("127.0.0.1:" + primary.port() + ",");
        ExecutorService timeouts = Executors.newSingleThreadExecutor();
        try (Connection open = primary.dataSource().getConnection()) {
            assertThat(single(open, "SELECT 1")).isEqualTo("1");
            open.setNetworkTimeout(timeouts, 1000);

            cluster.cutClients(primary);
            try {
                // a hang ended by the socket timeout, as a pool's socketTimeout ends it: SQLState 08006
                assertThatThrownBy(() -> single(open, "SELECT 1")).isInstanceOfSatisfying(SQLException.class,
                        hung -> assertThat(hung.getSQLState()).isEqualTo("08006"));
                DataSource fresh = primary.dataSource();
                fresh.setLoginTimeout(1);
                assertThatThrownBy(fresh::getConnection).as("a new connection during the cut")
                        .isInstanceOf(SQLException.class);
                // the cluster's own connections go around the relay
                cluster.awaitReplication(Duration.ofSeconds(30));
            } finally {
                cluster.restoreClients(primary);
            }
        } finally {
            timeouts.shutdownNow();
        }
        try (Connection after = primary.dataSource().getConnection()) {
            assertThat(single(after, "SELECT pg_is_in_recovery()")).isEqualTo("f");
        }
    }

    @Test
    void delayClientsMakesEveryStatementWaitARoundTrip(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        try (Connection connection = standby.dataSource().getConnection()) {
            single(connection, "SELECT 1");
            cluster.delayClients(standby, Duration.ofMillis(50));
            List<Long> delayed;
            try {
                delayed = statementMillis(connection);
            } finally {
                cluster.delayClients(standby, Duration.ZERO);
            }
            // a floor no machine can beat: the latency each way
            assertThat(delayed).allSatisfy(millis -> assertThat(millis).isGreaterThanOrEqualTo(100));
            assertThat(Collections.min(statementMillis(connection))).as("the fastest with the delay removed")
                    .isLessThan(100);
        }
    }

    @Test
    void misuseFailsAtOnce(PostgresCluster cluster) {
        assertThatThrownBy(() -> cluster.delayClients(cluster.primary(), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delayClients(primary): the delay must not be negative or null but was PT-0.001S;"
                        + " Duration.ZERO removes it");
    }

    private static List<Long> statementMillis(Connection connection) throws SQLException {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            single(connection, "SELECT 1");
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        return millis;
    }
}
