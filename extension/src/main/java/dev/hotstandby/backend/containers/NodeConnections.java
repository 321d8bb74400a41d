package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.DataSources;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * SQL to a node the way the tests reach it: through its mapped port, as the superuser, with the
 * cluster's password. Also the short pause every poll of the backend sleeps between attempts.
 */
final class NodeConnections {
    /** The image's superuser ({@code POSTGRES_USER}), which every node's config also names. */
    static final String SUPERUSER = "postgres";
    static final String DATABASE = "postgres";

    private final String password;

    NodeConnections(String password) {
        this.password = password;
    }

    Connection open(ContainerNode node) throws SQLException {
        return DataSources.create(node.host(), node.port(), DATABASE, SUPERUSER, password).getConnection();
    }

    /**
     * The server logged that it is ready; now a real query must work through the mapped port, with
     * the password (the port mapping and pg_hba.conf are only proven this way).
     */
    void awaitConnectable(ContainerNode node, long deadline) {
        SQLException last = null;
        while (System.nanoTime() - deadline < 0) {
            try (Connection connection = open(node); Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
                return;
            } catch (SQLException notYet) {
                last = notYet;
                pause(20);
            }
        }
        throw new ClusterStartException(node.name() + " (" + node.host() + ":" + node.port() + ") logged that it is"
                + " ready, but does not answer queries through the mapped port: " + (last == null ? "timeout" : last.getMessage()),
                last);
    }

    /** The first column of the first row, or null without a row. */
    static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException("interrupted");
        }
    }

    static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
