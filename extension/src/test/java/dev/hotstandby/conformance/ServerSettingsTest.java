package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The test's own server settings reach each node as its role asks, on every backend: every node's on
 * all, the standbys' on standbys only, taken from a promoted standby (but for what needs a restart)
 * and given to a rejoined one; and the application's database, role and init scripts.
 */
class ServerSettingsTest {

    @Test
    void settingsFollowEachNodesRoleThroughPromotionAndRejoin() throws Exception {
        Scenarios.run(PostgresCluster.builder().describedAs("ServerSettingsTest").standbys(2)
                // lower than the library's 100: pg_control of every standby must record it before they start
                .setting("max_connections", "50")
                .setting("work_mem", "'5MB'")
                .standbySetting("max_standby_streaming_delay", "0")
                .standbySetting("max_connections", "60"), cluster -> {
            PostgresNode first = cluster.primary();
            PostgresNode promoted = cluster.standby(0);
            PostgresNode other = cluster.standby(1);
            for (PostgresNode node : cluster.nodes()) {
                assertThat(setting(node, "work_mem")).as(node.name() + " work_mem").isEqualTo("5120");
            }
            assertThat(setting(first, "max_connections")).isEqualTo("50");
            assertThat(setting(first, "max_standby_streaming_delay")).as("the default on the primary").isEqualTo("30000");
            for (PostgresNode standby : cluster.standbys()) {
                assertThat(setting(standby, "max_connections")).as(standby.name()).isEqualTo("60");
                assertThat(setting(standby, "max_standby_streaming_delay")).as(standby.name()).isEqualTo("0");
            }

            try (Connection session = promoted.dataSource().getConnection()) {
                String loadedBefore = Sql.single(session, "SELECT pg_conf_load_time()::text");
                cluster.kill(first);
                cluster.promote(promoted);
                Awaitility.await("a reload of " + promoted.name() + " after its promotion").atMost(PATIENCE)
                        .until(() -> !Sql.single(session, "SELECT pg_conf_load_time()::text").equals(loadedBefore));
            }
            assertThat(setting(promoted, "max_standby_streaming_delay")).as("taken from the promoted standby")
                    .isEqualTo("30000");
            assertThat(setting(promoted, "max_connections")).as("kept: it changes only with a restart").isEqualTo("60");
            assertThat(single(promoted, "SELECT count(*) FROM pg_settings WHERE pending_restart")).isEqualTo("0");
            assertThat(String.join("\n", promoted.logTail(400))).as(promoted.name() + "'s log after its promotion")
                    .doesNotContain("contains errors").doesNotContain("cannot be changed without restarting");
            assertThat(setting(other, "max_standby_streaming_delay")).as("still a standby").isEqualTo("0");

            cluster.rejoin(first);
            assertThat(setting(first, "max_standby_streaming_delay")).as("a standby again").isEqualTo("0");
            assertThat(setting(first, "max_connections")).isEqualTo("60");
            assertThat(setting(first, "work_mem")).isEqualTo("5120");
        });
    }

    @Test
    void applicationDatabaseRoleAndInitScriptsAreOnEveryStandbyAtStart() throws Exception {
        Scenarios.run(PostgresCluster.builder().describedAs("ServerSettingsTest").standbys(1)
                .database("orders").username("app").initScripts("settings/orders-schema.sql"), cluster -> {
            PostgresNode standby = cluster.standby(0);
            // no awaitReplication(): start() returned with the scripts replayed
            assertThat(single(standby, "SELECT current_user || '@' || current_database()")).isEqualTo("app@orders");
            assertThat(single(standby, "SELECT order_count()")).isEqualTo("2");
            assertThat(single(standby, "SELECT note FROM orders WHERE id = 1")).isEqualTo("a; semicolon in a string");
            assertThat(single(standby, "SELECT rolsuper FROM pg_roles WHERE rolname = 'app'")).isEqualTo("f");
            assertThat(single(standby, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'orders'"))
                    .isEqualTo("app");
            assertThat(standby.jdbcUrl()).endsWith("/orders");
            assertThat(sqlState(cluster.primary().dataSource(), "CREATE ROLE intruder")).isEqualTo("42501");
            assertThat(sqlState(standby.dataSource(), "INSERT INTO orders (id) VALUES (3)")).isEqualTo("25006");
            try (Connection superuser = cluster.primary().superuserDataSource().getConnection()) {
                assertThat(Sql.single(superuser, "SELECT current_user || '@' || current_database()"))
                        .isEqualTo("postgres@orders");
            }
            execute(cluster.primary(), "INSERT INTO orders (id) VALUES (3)");
        });
    }

    private static String setting(PostgresNode node, String name) throws SQLException {
        return single(node, "SELECT setting FROM pg_settings WHERE name = '" + name + "'");
    }

    private static String sqlState(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return "no error";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
