package dev.hotstandby.engine;

import dev.hotstandby.ReplicationTimeoutException;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The dead end of a failover slot's sync that PostgreSQL (17+) shows at once: the standby holds only
 * a temporary copy, because the primary's slot's {@code restart_lsn} and {@code catalog_xmin} precede
 * what the standby can reserve itself, and nothing will move them, as no consumer is connected to the
 * slot and they stay where they are. A consumer must first read the slot past a running-xacts record.
 * {@link #check} fails once that has held for {@link #PATIENCE}, naming the cause, instead of letting
 * the wait run out its timeout.
 */
final class UnmovedFailoverSlot {
    static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final long LOOK_EVERY_NANOS = Duration.ofMillis(250).toNanos();

    private final BackendNode primary;
    private final BackendNode standby;
    private final String slot;
    private final String operation;
    private String lastPosition;
    private long unmovedSince;
    private long nextLook;

    UnmovedFailoverSlot(BackendNode primary, BackendNode standby, String slot, String operation) {
        this.primary = primary;
        this.standby = standby;
        this.slot = slot;
        this.operation = operation;
    }

    /** @throws ReplicationTimeoutException once the dead end has held for {@link #PATIENCE} */
    void check() throws SQLException {
        long now = System.nanoTime();
        if (now < nextLook) {
            return;
        }
        nextLook = now + LOOK_EVERY_NANOS;
        String copy = standby.query("SELECT temporary::text FROM pg_replication_slots WHERE slot_name = " + Sql.literal(slot));
        String position = primary.query("SELECT restart_lsn || ' / ' || coalesce(catalog_xmin::text, '-') FROM"
                + " pg_replication_slots WHERE slot_name = " + Sql.literal(slot) + " AND NOT active");
        if (!"true".equals(copy) || position == null || !position.equals(lastPosition)) {
            lastPosition = position;
            unmovedSince = now;
            return;
        }
        if (now - unmovedSince >= PATIENCE.toNanos()) {
            throw new ReplicationTimeoutException(operation + ": " + standby.name() + " holds only a temporary copy of the"
                    + " slot \"" + slot + "\", and nothing moves the slot on " + primary.name() + ": no consumer is connected"
                    + " to it, and its restart_lsn / catalog_xmin (" + position + ") have not moved for " + PATIENCE.toSeconds()
                    + " s. PostgreSQL syncs a failover slot only once the primary's slot is past what the standby can reserve"
                    + " itself, which takes a consumer reading the slot past a running-xacts record (the standby's log says"
                    + " \"could not synchronize replication slot\"). Read the slot on " + primary.name()
                    + " (pg_logical_slot_get_changes, a replication connection) before awaitSlotSynced, and keep its consumer"
                    + " acknowledging while it waits");
        }
    }
}
