package dev.hotstandby.engine;

import dev.hotstandby.config.ReplicationSettings;

/**
 * The physical replication slot each standby streams through (replicationSlots = true), kept on its
 * upstream. Ensured, never just created: after a promotion the new primary may already hold the
 * slot of a standby that cascaded from it.
 */
public final class Slots {
    private final boolean enabled;

    /** {@code enabled}: the spec's replicationSlots; otherwise {@link #ensure} does nothing. */
    public Slots(boolean enabled) {
        this.enabled = enabled;
    }

    /** Creates {@code standby}'s slot on {@code upstream} unless it is there; reserves WAL at once. */
    public void ensure(BackendNode upstream, BackendNode standby) {
        if (!enabled) {
            return;
        }
        String slot = Sql.literal(ReplicationSettings.slotName(standby.name()));
        Sql.single(upstream, "SELECT count(pg_create_physical_replication_slot(" + slot + ", true))"
                + " FROM (SELECT 1) once WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = " + slot + ")");
    }
}
