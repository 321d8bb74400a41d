package dev.hotstandby.conformance;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** The plain JDBC and replication probes the conformance tests share; public API only. */
final class Sql {
    /** Waits on remote machines get this long: a Vagrant standby can take seconds to reconnect. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private Sql() {
    }

    static void execute(PostgresNode node, String... statements) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /**
     * Runs statements on their own connection but waits for them at most {@code limit}: a commit that a
     * synchronous setting holds forever fails the test with the primary's settings instead of hanging it.
     */
    static void executeWithin(Duration limit, PostgresNode node, String... statements) throws Exception {
        AtomicReference<Statement> running = new AtomicReference<>();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
                running.set(statement);
                for (String sql : statements) {
                    statement.execute(sql);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException blocked) {
            Statement statement = running.get();
            if (statement != null) {
                statement.cancel();
            }
            throw new AssertionError(node.name() + ": " + String.join("; ", statements) + " did not return within " + limit
                    + "; synchronous_standby_names = '" + single(node, "SHOW synchronous_standby_names")
                    + "', pg_stat_replication: " + single(node, "SELECT string_agg(application_name || ':' || state"
                    + " || ':' || sync_state, ', ') FROM pg_stat_replication"), blocked);
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof IllegalStateException wrapped && wrapped.getCause() instanceof SQLException sql
                    ? sql : failed;
        }
    }

    /** The first column of the first row as text, or null when there is no row. */
    static String single(PostgresNode node, String sql) throws SQLException {
        try (Connection connection = node.dataSource().getConnection()) {
            return single(connection, sql);
        }
    }

    static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    static long count(PostgresNode node, String table) throws SQLException {
        return Long.parseLong(single(node, "SELECT count(*) FROM " + table));
    }

    /** Who streams from this node, in name order: {@code "standby-1:streaming"}, or null when nobody does. */
    static String streamingFrom(PostgresNode node) throws SQLException {
        return single(node, "SELECT string_agg(application_name || ':' || state, ',' ORDER BY application_name)"
                + " FROM pg_stat_replication");
    }

    /** Waits until {@link #streamingFrom} shows {@code expected}: a (re)started standby first shows "catchup". */
    /**
     * What a test that shares its class's cluster checks after itself: a new table reaches every
     * standby, and both standbys of a two-standby cluster stream from the primary again.
     */
    static void assertTwoStandbysStillReplicate(PostgresCluster cluster, String table) throws SQLException {
        execute(cluster.primary(), "CREATE TABLE " + table + " (val int)", "INSERT INTO " + table + " VALUES (1)");
        cluster.awaitReplication(PATIENCE);
        for (PostgresNode standby : cluster.standbys()) {
            org.assertj.core.api.Assertions.assertThat(count(standby, table)).as(standby.name()).isEqualTo(1);
        }
        awaitStreamingFrom(cluster.primary(), "standby-0:streaming,standby-1:streaming");
    }

    static void awaitStreamingFrom(PostgresNode node, String expected) {
        ReplicatedRow.on(node).within(PATIENCE).awaitValue("SELECT string_agg(application_name || ':' || state, ','"
                + " ORDER BY application_name) FROM pg_stat_replication", expected);
    }

    /** The primary's WAL position that every commit so far is flushed to. */
    static String flushLsn(PostgresNode primary) throws SQLException {
        return single(primary, "SELECT pg_current_wal_flush_lsn()");
    }

    static String receivedLsn(PostgresNode standby) throws SQLException {
        return single(standby, "SELECT pg_last_wal_receive_lsn()");
    }

    /** Returns once the standby has the WAL up to {@code lsn} on disk (replayed or not). */
    static void awaitReceived(PostgresNode standby, String lsn) {
        ReplicatedRow.on(standby).within(PATIENCE)
                .awaitValue("SELECT pg_last_wal_receive_lsn() >= ?::pg_lsn", true, lsn);
    }

    static boolean isBefore(PostgresNode node, String lsn, String other) throws SQLException {
        return "t".equals(single(node, "SELECT '" + lsn + "'::pg_lsn < '" + other + "'::pg_lsn"));
    }

    /** The timeline of the node's latest checkpoint, after a fresh one: it grows by one with each promotion. */
    static int checkpointTimeline(PostgresNode primary) throws SQLException {
        execute(primary, "CHECKPOINT");
        return Integer.parseInt(single(primary, "SELECT timeline_id FROM pg_control_checkpoint()"));
    }

    static int major(PostgresNode node) throws SQLException {
        return Integer.parseInt(single(node, "SELECT current_setting('server_version_num')::int / 10000"));
    }

    /** The physical slot a standby streams through: its name with '-' as '_' (slot names allow no '-'). */
    static String slotOf(PostgresNode standby) {
        return standby.name().replace('-', '_');
    }
}
