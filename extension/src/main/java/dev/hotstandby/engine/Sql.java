package dev.hotstandby.engine;

import java.sql.SQLException;

/** Statements the engine runs on nodes, failing with the node's name and the statement. */
public final class Sql {
    private Sql() {
    }

    /** The first column of the first row, or null. */
    public static String single(BackendNode node, String sql) {
        try {
            return node.query(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(node.name() + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    /** pg_reload_conf() where the server runs; a stopped server reads its files when it starts. */
    public static void reload(BackendNode node) {
        if (node.isServerRunning()) {
            single(node, "SELECT pg_reload_conf()");
        }
    }

    /** A string literal in SQL. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
