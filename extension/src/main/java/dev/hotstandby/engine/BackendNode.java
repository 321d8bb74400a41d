package dev.hotstandby.engine;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * One server as a backend runs it: the primitives that differ between a local process, a container
 * and a machine. Everything that is PostgreSQL logic (roles, promotion, rejoin, the start contract)
 * is written once in the engine on top of these.
 */
public interface BackendNode {
    /** {@code primary} or {@code standby-<index>}: also its cluster_name and application_name. */
    String name();

    /** Where the test JVM reaches the server over TCP. */
    String host();

    int port();

    /** Where the other nodes reach this server for streaming: a host name, an address or a socket directory. */
    String replicationHost();

    int replicationPort();

    /** node.conf lines that only this backend knows: port, addresses, sockets, timeouts. */
    List<String> identitySettings();

    /** The WAL archive as this server sees it, for restore_command. */
    String archiveDirectory();

    /** What stores a finished segment ({@code %p}, {@code %f}): by default a copy into {@link #archiveDirectory()}. */
    default String archiveCommand() {
        return "test ! -f " + archiveDirectory() + "/%f && cp %p " + archiveDirectory() + "/%f";
    }

    /** Runs one statement as the superuser; the first column of the first row, or null. */
    String query(String sql) throws SQLException;

    /** Replaces a file in the data directory, readable by the server only. */
    void writeDataFile(String name, String content);

    boolean isServerRunning();

    /** Starts the stopped server; returns once it accepts connections. */
    void startServer(Duration timeout);

    /** A fast shutdown; returns once the server has exited. */
    void stopServer();

    /** SIGKILL to the postmaster, as {@code kill -9}: the next start runs crash recovery. */
    void killServer();

    /** Before 12 there is no pg_promote(): a promote file and SIGUSR1, as pg_ctl does. */
    void triggerPromotion();

    /** The last lines of the server's log. */
    List<String> logTail(int lines);

    /**
     * Ends the engine's own session to the server, if one is open; the next {@link #query} opens a
     * new one. A refresh drops and re-creates the database that session is connected to.
     */
    default void closeSession() {
    }

    /**
     * A new session of the superuser in {@code database}, where the backend has a cheaper way than
     * pgjdbc over TCP with the password (the local backend's private socket); empty where it has not.
     */
    default java.util.Optional<DatabaseSession> openSession(String database) throws SQLException {
        return java.util.Optional.empty();
    }
}
