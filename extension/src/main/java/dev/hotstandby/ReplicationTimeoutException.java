package dev.hotstandby;

/**
 * Replication did not catch up in time. The message shows the primary's position,
 * {@code pg_stat_replication} and how far each standby had replayed.
 */
public class ReplicationTimeoutException extends RuntimeException {
    public ReplicationTimeoutException(String message) {
        super(message);
    }
}
