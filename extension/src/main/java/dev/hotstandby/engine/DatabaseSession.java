package dev.hotstandby.engine;

import java.sql.SQLException;

/**
 * A superuser session in one database of a node, for the engine's statements that are per database
 * (a refresh, the fingerprint): simple statements, each answering its first column of its first row.
 * A backend offers a cheap one where it can ({@link BackendNode#openSession}); otherwise pgjdbc over TCP.
 */
public interface DatabaseSession extends AutoCloseable {
    /** Runs one statement; its first column of the first row, or null. */
    String query(String sql) throws SQLException;

    @Override
    void close();
}
