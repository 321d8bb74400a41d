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

    /**
     * A superuser session in {@code database} of the node: the backend's own where it has a cheap one,
     * else pgjdbc with the cluster's password; {@code synchronous_commit = local}, as every engine session.
     */
    DatabaseSession session(BackendNode node, String database) throws SQLException {
        java.util.Optional<DatabaseSession> own = node.openSession(database);
        if (own.isEmpty()) {
            return new JdbcSession(open(node, database));
        }
        try {
            own.get().query("SET synchronous_commit = local");
        } catch (SQLException | RuntimeException failed) {
            own.get().close();
            throw failed;
        }
        return own.get();
    }

    /** A pgjdbc connection as a {@link DatabaseSession}. */
    private record JdbcSession(Connection connection) implements DatabaseSession {
        @Override
        public String query(String sql) throws SQLException {
            try (var statement = connection.createStatement()) {
                if (!statement.execute(sql)) {
                    return null;
                }
                try (var rows = statement.getResultSet()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }

    /**
     * Every value of {@code expression} {@code from} (a FROM clause, with its WHERE), in order: one
     * statement whose single value the session splits, as the sessions answer one value each.
     */
    static java.util.List<String> values(DatabaseSession session, String expression, String from) throws SQLException {
        String joined = session.query("SELECT string_agg(v, chr(31) ORDER BY v) FROM (SELECT " + expression + " AS v "
                + from + ") listed");
        return joined == null ? java.util.List.of() : java.util.List.of(joined.split("\u001f", -1));
    }

    /** Between two fields of one of {@link #values}: {@code a || chr(30) || b}. */
    static final String FIELD = "\u001e";

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
