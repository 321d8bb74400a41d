package dev.hotstandby.junit;

/**
 * Attached to a failed test as a suppressed exception: the last lines of each node's server log,
 * so the report shows what PostgreSQL said at the time.
 */
final class ServerLogs extends RuntimeException {
    ServerLogs(String tails, boolean kept, CleanupMode cleanup) {
        super((kept ? "hotstandby kept the data directories and server logs (their location is printed when the class"
                + " finishes)" : "hotstandby removes the data directories and server logs when the class finishes"
                + " (cleanup = " + cleanup + ")") + "; last lines of each node's log:" + tails, null, false, false);
    }
}
