package dev.hotstandby.junit;

/**
 * Attached to a failed test as a suppressed exception when an injected {@code @Primary} Connection
 * or PostgresNode is on a node that is no longer the primary: a likely cause of the failure.
 */
final class PrimaryMoved extends RuntimeException {
    PrimaryMoved(String message) {
        super(message, null, false, false);
    }
}
