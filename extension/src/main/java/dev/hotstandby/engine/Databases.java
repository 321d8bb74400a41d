package dev.hotstandby.engine;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Connections to a node's application database as the superuser, for what is per database: logical
 * slots belong to the database they were created in, subscriptions and their tables too. What is
 * cluster-wide ({@code pg_replication_slots}, {@code pg_stat_replication}) goes through
 * {@link BackendNode#query}.
 */
final class Databases {
    private final String database;
    private final String user;
    private final String password;

    Databases(String database, String user, String password) {
        this.database = database;
        this.user = user;
        this.password = password;
    }

    String database() {
        return database;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    Connection open(BackendNode node) throws SQLException {
        return open(node, database);
    }

    /** Another database of the node, as the superuser; for what is per database (a refresh, the fingerprint). */
    Connection open(BackendNode node, String database) throws SQLException {
        Connection connection = DataSources.create(node.host(), node.port(), database, user, password).getConnection();
        try (var setup = connection.createStatement()) {
            // the library's own statements never wait for a (possibly stopped) synchronous standby
            setup.execute("SET synchronous_commit = local");
            setup.execute("SET application_name = 'hotstandby-control'");
        }
        return connection;
    }

    /** The first column of the first row, or null. */
    String single(BackendNode node, String sql, String... parameters) throws SQLException {
        try (Connection connection = open(node); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (var rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
