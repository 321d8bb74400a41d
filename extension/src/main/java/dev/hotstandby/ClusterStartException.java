package dev.hotstandby;

/**
 * A cluster could not be started. Whatever had been started was stopped again; the message says
 * what failed and carries the last lines of each node's server log.
 */
public class ClusterStartException extends RuntimeException {
    public ClusterStartException(String message, Throwable cause) {
        super(message, cause);
    }

    public ClusterStartException(String message) {
        super(message);
    }
}
