package dev.hotstandby;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection per node kept open for the cluster's own queries (waits, diagnostics), so that a
 * wait costs a query, not a SCRAM handshake. A broken connection is reopened once.
 */
final class ControlConnections implements AutoCloseable {
    private final Map<String, Connection> byNode = new HashMap<>();

    interface Query<T> {
        T run(Statement statement) throws SQLException;
    }

    synchronized <T> T query(PostgresNode node, Query<T> query) throws SQLException {
        try {
            return runOn(node, query);
        } catch (SQLException brokenConnection) {
            if (!isConnectionFailure(brokenConnection)) {
                throw brokenConnection;
            }
            forget(node);
            return runOn(node, query);
        }
    }

    /** Returns the first column of the first row, or null. */
    <T> T single(PostgresNode node, String sql, Class<T> type) throws SQLException {
        return query(node, statement -> {
            try (ResultSet rows = statement.executeQuery(sql)) {
                return rows.next() ? rows.getObject(1, type) : null;
            }
        });
    }

    private <T> T runOn(PostgresNode node, Query<T> query) throws SQLException {
        try (Statement statement = connection(node).createStatement()) {
            return query.run(statement);
        }
    }

    private Connection connection(PostgresNode node) throws SQLException {
        Connection connection = byNode.get(node.name());
        if (connection == null) {
            connection = node.controlDataSource().getConnection();
            try (Statement setup = connection.createStatement()) {
                // The cluster's own commits must never wait for a (possibly cut) synchronous standby.
                setup.execute("SET synchronous_commit = local");
                setup.execute("SET application_name = 'hotstandby-control'");
            }
            byNode.put(node.name(), connection);
        }
        return connection;
    }

    private void forget(PostgresNode node) {
        Connection connection = byNode.remove(node.name());
        closeQuietly(connection);
    }

    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }

    @Override
    public synchronized void close() {
        byNode.values().forEach(ControlConnections::closeQuietly);
        byNode.clear();
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the node may already be gone; nothing to release then
        }
    }
}
