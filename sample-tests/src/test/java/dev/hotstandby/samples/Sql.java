package dev.hotstandby.samples;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The plain JDBC the samples share, so each sample shows only its replication scenario. */
final class Sql {
    private Sql() {
    }

    /** The first column of the first row, as text. */
    static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** {@link #single(Connection, String)} on a connection of its own. */
    static String query(DataSource database, String sql) throws SQLException {
        try (Connection connection = database.getConnection()) {
            return single(connection, sql);
        }
    }

    static void execute(DataSource database, String sql) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
