package dev.hotstandby.spring;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Which server a connection reached: its node name (each node's {@code cluster_name}; the port the
 * server sees is not the one a container maps), whether it is a standby, and as whom.
 */
record ServerSeen(String node, boolean inRecovery, String user, String database) {

    static ServerSeen through(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "SELECT current_setting('cluster_name'), pg_is_in_recovery(), current_user, current_database()")) {
            row.next();
            return new ServerSeen(row.getString(1), row.getBoolean(2), row.getString(3), row.getString(4));
        }
    }
}
