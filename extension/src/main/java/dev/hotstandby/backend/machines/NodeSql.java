package dev.hotstandby.backend.machines;

import dev.hotstandby.engine.DataSources;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;

/** SQL to a node the way the tests reach it: through its SSH forward, as the superuser, with the generated password. */
final class NodeSql {
    private final String password;

    NodeSql(String password) {
        this.password = password;
    }

    /** The first column of the first row, or null without a row. */
    String single(MachineNode node, String sql) {
        PGSimpleDataSource dataSource = (PGSimpleDataSource) DataSources.create(node.host(), node.port(), "postgres",
                NodeFiles.SUPERUSER, password);
        // through a tunnel a dead peer shows as silence, not a refusal: never wait for ever
        dataSource.setLoginTimeout(30);
        dataSource.setSocketTimeout(300);
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            if (!statement.execute(sql)) {
                return null;
            }
            try (ResultSet rows = statement.getResultSet()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(node.name() + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    /** Like {@link #single} but null when the node cannot answer (yet). */
    String poll(MachineNode node, String sql) {
        try {
            return single(node, sql);
        } catch (IllegalStateException notYet) {
            return null;
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
