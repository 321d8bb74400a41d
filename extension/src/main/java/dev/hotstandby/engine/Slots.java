package dev.hotstandby.engine;

import dev.hotstandby.config.ReplicationSettings;

/**
 * The physical replication slot each standby streams through (replicationSlots = true), kept on its
 * upstream. Ensured, never just created: after a promotion the new primary may already hold the
 * slot of a standby that cascaded from it. Without declared slots, a standby made by a base backup
 * still gets a start slot until the start contract holds: between the backup's end and the standby's
 * first stream, a checkpoint (the next standby's backup forces one) would otherwise recycle the WAL
 * it asks for first ("requested WAL segment … has already been removed").
 */
public final class Slots {
    private final boolean enabled;

    /** {@code enabled}: the spec's replicationSlots; otherwise {@link #ensure} does nothing. */
    public Slots(boolean enabled) {
        this.enabled = enabled;
    }

    /** Prefix of the start slots, which no declared slot name has. */
    private static final String START_SLOT_PREFIX = "hotstandby_start_";

    /** Creates {@code standby}'s slot on {@code upstream} unless it is there; reserves WAL at once. */
    public void ensure(BackendNode upstream, BackendNode standby) {
        if (enabled) {
            create(upstream, ReplicationSettings.slotName(standby.name()), "");
        }
    }

    /**
     * Before {@code standby}'s base backup of {@code upstream}: its declared slot, or else a start slot
     * that keeps the WAL from the backup's start on until {@link #releaseStartSlots} (once it streams).
     */
    public void reserveForBaseBackup(BackendNode upstream, BackendNode standby) {
        if (enabled) {
            ensure(upstream, standby);
            return;
        }
        // none if the application's settings leave no slot free: it would fail the start it only makes safer
        create(upstream, START_SLOT_PREFIX + ReplicationSettings.slotName(standby.name()),
                " AND (SELECT count(*) FROM pg_replication_slots) < current_setting('max_replication_slots')::int");
    }

    /** Drops the start slots on each of {@code nodes} (none there: one query each). */
    public static void releaseStartSlots(java.util.List<BackendNode> nodes) {
        for (BackendNode node : nodes) {
            Sql.single(node, "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots"
                    + " WHERE left(slot_name, " + START_SLOT_PREFIX.length() + ") = " + Sql.literal(START_SLOT_PREFIX));
        }
    }

    private static void create(BackendNode upstream, String name, String andRoomLeft) {
        String slot = Sql.literal(name);
        Sql.single(upstream, "SELECT count(pg_create_physical_replication_slot(" + slot + ", true))"
                + " FROM (SELECT 1) once WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = " + slot + ")"
                + andRoomLeft);
    }
}
