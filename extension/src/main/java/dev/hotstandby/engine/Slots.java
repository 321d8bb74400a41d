package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.config.ReplicationSettings;
import java.time.Duration;
import java.util.List;

/**
 * The physical replication slots each standby streams through (replicationSlots or failover slots),
 * kept on its upstream, and the one place that asks a server to create or drop a slot by SQL.
 * Ensured, never just created: after a promotion the new primary may already hold the slot of a
 * standby that cascaded from it. A stopped server's slots are files, removed by its backend
 * ({@link BackendCluster#removeReplicationSlots}). Without declared slots, a standby made by a base
 * backup still gets a start slot until the start contract holds: between the backup's end and the
 * standby's first stream, a checkpoint (the next standby's backup forces one) would otherwise recycle
 * the WAL it asks for first ("requested WAL segment … has already been removed").
 */
public final class Slots {
    private final boolean enabled;

    /** {@code enabled}: whether standbys stream through declared slots ({@link #of} reads it from a spec). */
    Slots(boolean enabled) {
        this.enabled = enabled;
    }

    /** The slots {@code spec} declares: none unless it streams through physical slots. */
    public static Slots of(ClusterSpec spec) {
        return new Slots(spec.replication().physicalSlots(spec.major()));
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
    public static void releaseStartSlots(List<BackendNode> nodes) {
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

    /**
     * Drops every slot on {@code node} but the physical ones its {@code followers} stream through, its
     * consumer ended first. {@code keepSynced}: on a standby of 17+, the slots it syncs from the primary,
     * which it cannot drop (they go once the primary's have).
     */
    void dropUndeclared(BackendNode node, List<BackendNode> followers, boolean keepSynced, Duration timeout) {
        String names = Sql.single(node, "SELECT string_agg(slot_name, ',') FROM pg_replication_slots"
                + " WHERE (slot_type = 'logical'" + (keepSynced ? " AND NOT synced" : "") + ")"
                + " OR (slot_type = 'physical' AND slot_name NOT IN (" + declared(followers) + "))");
        if (names == null) {
            return;
        }
        for (String slot : names.split(",")) {
            String literal = Sql.literal(slot);
            Sql.single(node, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = " + literal
                    + " AND active_pid IS NOT NULL");
            Waits.until(node.name() + "'s slot " + slot + " is released by its consumer", timeout,
                    () -> "0".equals(node.query("SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = "
                            + literal)), () -> "still active");
            Sql.single(node, "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE slot_name = "
                    + literal);
        }
    }

    /** The followers' slot names as SQL literals, for {@code NOT IN}; {@code ''} when none is declared. */
    private String declared(List<BackendNode> followers) {
        if (!enabled || followers.isEmpty()) {
            return "''";
        }
        return String.join(", ", followers.stream()
                .map(follower -> Sql.literal(ReplicationSettings.slotName(follower.name()))).toList());
    }
}
