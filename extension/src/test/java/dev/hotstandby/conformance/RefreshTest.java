package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.count;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code refresh()} on every backend: whatever a test did, the cluster is back in its declared state
 * afterwards, checked by what a fresh cluster of the same configuration shows ({@code fingerprint()})
 * and by what the servers say themselves; every node keeps its address.
 */
class RefreshTest {

    private static PostgresCluster.Builder configuration() {
        return PostgresCluster.builder().describedAs("RefreshTest").standbys(2).replicationSlots(true).logical(true)
                .database("shop").username("shop_app").initScripts("refresh/shop-schema.sql")
                .setting("max_prepared_transactions", "2");
    }

    @Test
    void aDataRefreshUndoesWhatATestChangedAndKeepsTheServersRunning() throws Exception {
        List<String> fresh;
        try (PostgresCluster other = configuration().start()) {
            fresh = other.fingerprint();
        }
        // shared: prepared for refreshes at start, so the first one needs no boot
        Scenarios.run(configuration().shared(true), cluster -> {
            assertThat(cluster.fingerprint()).as("two fresh clusters of one configuration").isEqualTo(fresh);
            Map<String, Integer> ports = ports(cluster);
            Map<String, String> postmasters = postmasterStarts(cluster);
            PostgresNode primary = cluster.primary();
            PostgresNode paused = cluster.standby(1);

            dirty(cluster);
            cluster.pauseReplay(paused);
            cluster.set(primary, "work_mem", "8MB");
            cluster.applyDelay(cluster.standby(0), Duration.ofMillis(200));
            assertThat(cluster.fingerprint()).isNotEqualTo(fresh);

            cluster.refresh();

            assertThat(cluster.fingerprint()).isEqualTo(fresh);
            assertThat(ports(cluster)).as("every node keeps its address").isEqualTo(ports);
            // the primary's server runs on; a standby is restarted only with failover slots (17+), to get its
            // slot sync worker back at once, whose connection to the re-created database ended
            Map<String, String> after = postmasterStarts(cluster);
            assertThat(after.get("primary")).as("a data-only refresh keeps the primary's server").isEqualTo(postmasters.get("primary"));
            if (Sql.major(primary) < 17) {
                assertThat(after).as("and the standbys' without failover slots").isEqualTo(postmasters);
            }
            assertDeclaredData(cluster);
            assertThat(single(primary, "SHOW work_mem")).isEqualTo("4MB");
            assertThat(single(paused, "SELECT pg_is_wal_replay_paused()")).isEqualTo("f");
            assertThat(single(cluster.standby(0), "SHOW recovery_min_apply_delay")).isEqualTo("0");
            assertReplicatesAgain(cluster);
        });
    }

    @Test
    void aRefreshAfterAFailoverBootsAgainWithThePrimaryBackOnTimelineOne() throws Exception {
        Scenarios.run(configuration(), cluster -> {
            List<String> declared = cluster.fingerprint();
            Map<String, Integer> ports = ports(cluster);
            cluster.kill(cluster.primary());
            PostgresNode promoted = cluster.promote(cluster.standby(0));
            execute(promoted, "INSERT INTO orders VALUES (3, 'jam')");
            cluster.awaitReplication(PATIENCE);
            assertThat(timeline(promoted)).isEqualTo(2);

            cluster.refresh();

            assertThat(cluster.primary().name()).isEqualTo("primary");
            assertThat(cluster.standbys()).extracting(PostgresNode::name).containsExactly("standby-0", "standby-1");
            assertThat(ports(cluster)).isEqualTo(ports);
            assertThat(timeline(cluster.primary())).isEqualTo(1);
            assertThat(cluster.fingerprint()).isEqualTo(declared);
            assertDeclaredData(cluster);
            assertReplicatesAgain(cluster);
        });
    }

    @Test
    void aCutStandbyAndAStoppedOneStreamAgainAfterARefresh() throws Exception {
        Scenarios.run(configuration(), cluster -> {
            List<String> declared = cluster.fingerprint();
            cluster.disconnect(cluster.standby(0));
            cluster.stop(cluster.standby(1));
            cluster.kill(cluster.primary());

            cluster.refresh();

            assertThat(cluster.fingerprint()).isEqualTo(declared);
            awaitBothStreaming(cluster);
            assertReplicatesAgain(cluster);
        });
    }

    /** What a test may leave behind: rows, tables, databases, roles, slots, a publication, an origin, a prepared transaction. */
    private static void dirty(PostgresCluster cluster) throws SQLException {
        PostgresNode primary = cluster.primary();
        execute(primary, "INSERT INTO orders VALUES (3, 'jam')", "UPDATE orders SET item = 'coffee' WHERE id = 1",
                "SELECT nextval('order_numbers')", "CREATE TABLE left_behind (val int)", "INSERT INTO left_behind VALUES (1)");
        try (Connection superuser = primary.superuserDataSource().getConnection();
             Statement statement = superuser.createStatement()) {
            statement.execute("CREATE DATABASE made_by_a_test");
            statement.execute("CREATE ROLE made_by_a_test LOGIN");
            statement.execute("CREATE PUBLICATION everything FOR ALL TABLES");
            statement.execute("SELECT pg_create_logical_replication_slot('a_tests_slot', 'test_decoding')");
            statement.execute("SELECT pg_create_physical_replication_slot('another_physical_slot')");
            statement.execute("SELECT pg_replication_origin_create('a_tests_origin')");
            statement.execute("BEGIN");
            statement.execute("INSERT INTO orders VALUES (4, 'honey')");
            statement.execute("PREPARE TRANSACTION 'left_prepared'");
        }
        try (Connection postgres = superuserIn(primary, "postgres"); Statement statement = postgres.createStatement()) {
            statement.execute("CREATE TABLE in_postgres (val int)");
        }
        cluster.awaitReplication(PATIENCE);
    }

    /** The init script's rows and nothing else, on every node; what the test made is gone everywhere. */
    private static void assertDeclaredData(PostgresCluster cluster) throws SQLException {
        cluster.awaitReplication(PATIENCE);
        for (PostgresNode node : cluster.nodes()) {
            assertThat(single(node, "SELECT string_agg(id || ':' || item, ',' ORDER BY id) FROM orders")).as(node.name())
                    .isEqualTo("1:tea,2:scones");
            assertThat(single(node, "SELECT to_regclass('left_behind') IS NULL")).as(node.name()).isEqualTo("t");
            assertThat(single(node, "SELECT count(*) FROM pg_database WHERE datname = 'made_by_a_test'")).isEqualTo("0");
            assertThat(single(node, "SELECT count(*) FROM pg_roles WHERE rolname = 'made_by_a_test'")).isEqualTo("0");
            assertThat(single(node, "SELECT count(*) FROM pg_replication_slots WHERE slot_type = 'logical'"
                    + " OR slot_name = 'another_physical_slot'")).isEqualTo("0");
            assertThat(single(node, "SELECT count(*) FROM pg_replication_origin")).isEqualTo("0");
            assertThat(single(node, "SELECT count(*) FROM pg_prepared_xacts")).isEqualTo("0");
            assertThat(single(node, "SELECT count(*) FROM pg_publication")).isEqualTo("0");
        }
        assertThat(single(cluster.primary(), "SELECT last_value FROM order_numbers")).isEqualTo("1");
        assertThatThrownBy(() -> count(cluster.primary(), "left_behind")).isInstanceOfSatisfying(SQLException.class,
                missing -> assertThat(missing.getSQLState()).isEqualTo("42P01"));
        try (Connection postgres = superuserIn(cluster.primary(), "postgres")) {
            assertThat(single(postgres, "SELECT to_regclass('in_postgres') IS NULL")).isEqualTo("t");
        }
    }

    /** A row written now is on every standby, and both stream from the primary. */
    private static void assertReplicatesAgain(PostgresCluster cluster) throws SQLException {
        execute(cluster.primary(), "INSERT INTO orders VALUES (10, 'after the refresh')");
        cluster.awaitReplication(PATIENCE);
        for (PostgresNode standby : cluster.standbys()) {
            assertThat(count(standby, "orders")).as(standby.name()).isEqualTo(3);
        }
        awaitBothStreaming(cluster);
    }

    /** As the superuser: pg_stat_replication shows other roles' rows only to it. */
    private static void awaitBothStreaming(PostgresCluster cluster) {
        org.awaitility.Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> {
            try (Connection superuser = cluster.primary().superuserDataSource().getConnection()) {
                assertThat(single(superuser, "SELECT string_agg(application_name || ':' || state, ',' ORDER BY"
                        + " application_name) FROM pg_stat_replication")).isEqualTo("standby-0:streaming,standby-1:streaming");
            }
        });
    }

    private static Connection superuserIn(PostgresNode node, String database) throws SQLException {
        return java.sql.DriverManager.getConnection(node.jdbcUrl(database), "postgres", node.password());
    }

    private static Map<String, Integer> ports(PostgresCluster cluster) {
        return cluster.nodes().stream().collect(Collectors.toMap(PostgresNode::name, PostgresNode::port));
    }

    private static Map<String, String> postmasterStarts(PostgresCluster cluster) {
        return cluster.nodes().stream().collect(Collectors.toMap(PostgresNode::name, (Function<PostgresNode, String>) node -> {
            try {
                return single(node, "SELECT pg_postmaster_start_time()");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    private static int timeline(PostgresNode primary) throws SQLException {
        return Integer.parseInt(single(primary, "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int"));
    }
}
