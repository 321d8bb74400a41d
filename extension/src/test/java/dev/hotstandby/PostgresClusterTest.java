package dev.hotstandby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The engine without JUnit glue: builder, streaming, catch-up, teardown. */
class PostgresClusterTest {

    @Test
    void standbyStreamsAndReplaysWhatThePrimaryCommits() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            try (Connection primary = cluster.primary().dataSource().getConnection();
                 Statement statement = primary.createStatement()) {
                statement.execute("CREATE TABLE t (val int)");
                statement.execute("INSERT INTO t VALUES (42)");
                assertThat(query(statement, "SELECT state FROM pg_stat_replication WHERE application_name = 'standby-0'"))
                        .isEqualTo("streaming");
            }
            cluster.awaitReplication();
            try (Connection standby = cluster.standby(0).dataSource().getConnection();
                 Statement statement = standby.createStatement()) {
                assertThat(query(statement, "SELECT val FROM t")).isEqualTo("42");
                assertThat(query(statement, "SELECT pg_is_in_recovery()")).isEqualTo("t");
                assertThatThrownBy(() -> statement.execute("INSERT INTO t VALUES (1)"))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
            }
        }
    }

    static void execute(PostgresNode node, String... statements) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    static String single(PostgresNode node, String sql) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            return query(statement, sql);
        }
    }

    static String query(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
