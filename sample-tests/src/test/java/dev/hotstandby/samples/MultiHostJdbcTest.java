package dev.hotstandby.samples;

import static dev.hotstandby.samples.Sql.single;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * An application configured with every node in one JDBC URL, as it would be in production:
 * pgjdbc's {@code targetServerType} picks the node by role, so after a failover the same URL
 * reaches the new primary without any configuration change.
 */
@PostgresStandbyCluster(shared = true)
class MultiHostJdbcTest {

    @Test
    void targetServerTypeFindsThePrimaryBeforeAndAfterAFailover(PostgresCluster cluster) throws Exception {
        String url = cluster.multiHostJdbcUrl();   // jdbc:postgresql://127.0.0.1:p1,127.0.0.1:p2/postgres

        // cluster_name is the node's name: it tells which server a connection reached.
        assertEquals("primary", serverReached(cluster, url, "primary"));
        assertEquals("standby-0", serverReached(cluster, url, "preferSecondary"));

        cluster.stop(cluster.primary());
        cluster.promote(cluster.standby(0));

        // Same URL, same properties: the first host refuses connections, the second now is the primary.
        assertEquals("standby-0", serverReached(cluster, url, "primary"));
        try (Connection connection = DriverManager.getConnection(url, properties(cluster, "primary"));
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE after_failover (val int)");
            statement.execute("INSERT INTO after_failover VALUES (1)");
            assertEquals("1", single(connection, "SELECT count(*) FROM after_failover"));
            assertEquals("f", single(connection, "SELECT pg_is_in_recovery()"));
        }
    }

    private static String serverReached(PostgresCluster cluster, String url, String targetServerType)
            throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, properties(cluster, targetServerType))) {
            return single(connection, "SELECT current_setting('cluster_name')");
        }
    }

    private static Properties properties(PostgresCluster cluster, String targetServerType) {
        Properties properties = new Properties();
        properties.setProperty("user", cluster.primary().username());
        properties.setProperty("password", cluster.primary().password());
        properties.setProperty("targetServerType", targetServerType);   // primary | secondary | preferSecondary | any
        // pgjdbc caches each host's role (primary or standby) for hostRecheckSeconds, 10 s by default,
        // in a JVM-wide cache. Right after a failover that cache is wrong: it would still call
        // standby-0 a standby and fail with "Could not find a server with specified targetServerType".
        // 0 makes it ask the servers on every connect, which is what a failover test needs.
        properties.setProperty("hostRecheckSeconds", "0");
        return properties;
    }
}
