package dev.hotstandby;

/**
 * A refresh could not bring a cluster back to its declared state; the message says what differs.
 * A shared cluster that fails so is discarded, and its next user gets a fresh one.
 */
public class ClusterRefreshException extends RuntimeException {
    public ClusterRefreshException(String message) {
        super(message);
    }

    public ClusterRefreshException(String message, Throwable cause) {
        super(message, cause);
    }
}
