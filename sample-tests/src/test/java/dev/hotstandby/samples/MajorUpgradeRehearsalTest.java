package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A major-upgrade rehearsal by logical replication: the old cluster (16) publishes, the new one (the
 * default 18) subscribes, the initial copy is made, changes stream on; at the switch-over writes stop,
 * {@code awaitSubscription} waits for the last of them, row counts are compared and the sequence,
 * which logical replication does not carry, is moved on by hand; then the application writes to the
 * new cluster. Two majors in one JVM on the local backend: the 18 binaries are on the classpath, the
 * 16 ones are found in the local Maven repository or fetched into it from the user's Maven
 * repositories on the first run. A run with {@code -Dhotstandby.version} gives both clusters that major
 * (on containers, with {@code -Dhotstandby.image}, both clusters run that image).
 */
class MajorUpgradeRehearsalTest {

    @Test
    void subscriberOnTheNewMajorTakesOverFromThePublisher() throws Exception {
        Backend backend = PostgresCluster.builder().spec().backend();
        assumeTrue(backend == Backend.LOCAL || backend == Backend.CONTAINERS, "subscribe() connects clusters of one"
                + " backend on the local and containers backends; this run is on " + backend);
        try (PostgresCluster old = oldCluster();
             PostgresCluster upgraded = PostgresCluster.builder().describedAs("new cluster").standbys(0).start()) {
            String schema = "CREATE TABLE orders (id bigserial PRIMARY KEY, item text NOT NULL)";
            execute(old.primary(), schema, "INSERT INTO orders (item) SELECT 'item ' || i FROM generate_series(1, 500) i",
                    "CREATE PUBLICATION upgrade FOR TABLE orders");
            execute(upgraded.primary(), schema);   // the schema first: logical replication copies rows only

            upgraded.subscribe(old, "upgrade", "from_old");
            assertEquals("500", query(upgraded.primary(), "SELECT count(*) FROM orders"), "the initial copy");

            execute(old.primary(), "INSERT INTO orders (item) SELECT 'late ' || i FROM generate_series(1, 20) i");
            // switch-over: the application stops writing, the subscriber applies the last of it
            upgraded.awaitSubscription("from_old");
            assertEquals(query(old.primary(), "SELECT count(*) || '/' || max(id) FROM orders"),
                    query(upgraded.primary(), "SELECT count(*) || '/' || max(id) FROM orders"));
            assertEquals("1", query(upgraded.primary(), "SELECT last_value FROM orders_id_seq"),
                    "sequences are not replicated");
            execute(upgraded.primary(), "SELECT setval('orders_id_seq', " + query(old.primary(),
                    "SELECT last_value FROM orders_id_seq") + ")", "DROP SUBSCRIPTION from_old");

            // the application, pointed at the new cluster
            execute(upgraded.primary(), "INSERT INTO orders (item) VALUES ('first on the new major')");
            assertEquals("521", query(upgraded.primary(), "SELECT id FROM orders WHERE item = 'first on the new major'"));
        }
    }

    private static void execute(PostgresNode node, String... statements) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static String query(PostgresNode node, String sql) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    /** Skipped, saying how to get them, where the 16 binaries are nowhere and cannot be fetched (Maven offline). */
    private static PostgresCluster oldCluster() {
        try {
            return PostgresCluster.builder().describedAs("old cluster").version("16").standbys(0).logical(true).start();
        } catch (ClusterConfigurationException noBinaries) {
            assumeTrue(!noBinaries.getMessage().contains("binaries found"), noBinaries.getMessage());
            throw noBinaries;
        }
    }
}
