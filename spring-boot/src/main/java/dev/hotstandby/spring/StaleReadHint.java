package dev.hotstandby.spring;

/**
 * Attached to a failed test as a suppressed exception in the stale-read mode, when read-only
 * transactions of the test ran on the lagging standby: a likely cause of the failure.
 */
final class StaleReadHint extends RuntimeException {
    StaleReadHint(String message) {
        super(message, null, false, false);
    }
}
