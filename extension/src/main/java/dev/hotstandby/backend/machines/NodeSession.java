package dev.hotstandby.backend.machines;

import dev.hotstandby.engine.DataSources;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The engine's JDBC connection to one node, the way the tests reach it: through its SSH forward,
 * as the superuser. Kept open between statements: each new one would be a channel, a TCP and a
 * SCRAM handshake through the tunnel, and the engine polls.
 */
final class NodeSession {
    private final String host;
    private final int port;
    private final String password;
    private Connection connection;

    NodeSession(String host, int port, String password) {
        this.host = host;
        this.port = port;
        this.password = password;
    }

    /** The first column of the first row, or null without a row. */
    synchronized String query(String sql) throws SQLException {
        try (Statement statement = connection().createStatement()) {
            if (!statement.execute(sql)) {
                return null;
            }
            try (ResultSet rows = statement.getResultSet()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            // a connection problem (class 08) or a server gone: the next statement connects anew
            if (e.getSQLState() == null || e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57P")) {
                close();
            }
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            PGSimpleDataSource dataSource = (PGSimpleDataSource) DataSources.create(host, port, "postgres",
                    MachineCluster.SUPERUSER, password);
            // through a tunnel a dead peer shows as silence, not a refusal: never wait for ever
            dataSource.setLoginTimeout(30);
            dataSource.setSocketTimeout(300);
            connection = dataSource.getConnection();
        }
        return connection;
    }

    /** After the server stopped or started: its backend is gone or about to be. */
    synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
            connection = null;
        }
    }
}
