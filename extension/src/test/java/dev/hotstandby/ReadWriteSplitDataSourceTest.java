package dev.hotstandby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Plain JDBC read/write splitting: which server each connection of the split DataSource reached. */
@PostgresStandbyCluster(standbys = 2)
class ReadWriteSplitDataSourceTest {

    @Test
    void aConnectionSetReadOnlyBeforeItsFirstStatementRunsOnTheStandby(PostgresCluster cluster) throws SQLException {
        DataSource split = cluster.readWriteSplitDataSource(cluster.standby(1));

        try (Connection connection = split.getConnection()) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);

            assertThat(server(connection)).isEqualTo("standby-1 in recovery");
            assertThat(connection.getAutoCommit()).isFalse();
        }
    }

    @Test
    void everyOtherConnectionRunsOnThePrimary(PostgresCluster cluster) throws SQLException {
        DataSource split = cluster.readWriteSplitDataSource(cluster.standby(0));

        try (Connection connection = split.getConnection()) {
            assertThat(server(connection)).isEqualTo("primary primary");
        }
    }

    @Test
    void readOnlySetAfterTheFirstStatementKeepsTheConnectionOnThePrimary(PostgresCluster cluster) throws SQLException {
        DataSource split = cluster.readWriteSplitDataSource(cluster.standby(0));

        try (Connection connection = split.getConnection()) {
            assertThat(server(connection)).isEqualTo("primary primary");
            connection.setReadOnly(true);
            assertThat(server(connection)).isEqualTo("primary primary");
        }
    }

    @Test
    void aReadOnlyConnectionThatWritesIsRefusedByTheStandby(PostgresCluster cluster) throws SQLException {
        DataSource split = cluster.readWriteSplitDataSource(cluster.standby(0));

        try (Connection connection = split.getConnection()) {
            connection.setReadOnly(true);
            try (Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.execute("CREATE TABLE refused (id int)"))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
            }
        }
    }

    @Test
    void aConnectionClosedUnusedOpensNoServerConnection(PostgresCluster cluster) throws SQLException {
        DataSource split = cluster.readWriteSplitDataSource(cluster.standby(0));
        int before = otherClientConnections(cluster.primary());

        Connection unused = split.getConnection();
        unused.setReadOnly(false);
        unused.commit();
        unused.close();

        assertThat(unused.isClosed()).isTrue();
        assertThat(otherClientConnections(cluster.primary())).isEqualTo(before);
        assertThatThrownBy(unused::createStatement)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08003"));
    }

    @Test
    void onlyAStandbyOfTheClusterIsAccepted(PostgresCluster cluster) {
        assertThatThrownBy(() -> cluster.readWriteSplitDataSource(cluster.primary()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("readWriteSplitDataSource(primary): primary is the primary; readWriteSplitDataSource takes a standby");
    }

    private static int otherClientConnections(PostgresNode node) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            row.next();
            return row.getInt(1);
        }
    }

    /** cluster_name and pg_is_in_recovery(), as "node in recovery" or "node primary". */
    private static String server(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('cluster_name'), pg_is_in_recovery()")) {
            row.next();
            return row.getString(1) + (row.getBoolean(2) ? " in recovery" : " primary");
        }
    }
}
