package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.Lsn;
import dev.hotstandby.ReplicationOptions;
import dev.hotstandby.ReplicationTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Logical replication slots, for every backend, as PostgreSQL's TAP harness has them: created on the
 * primary (optionally as a failover slot, 17+) or on a standby (16+, with the standby snapshot the
 * creation waits for logged on the primary), waited for until a standby has synced one
 * ({@code wait_for_slot_sync}-like) or a consumer has confirmed everything ({@code wait_for_slot_catchup}),
 * and WAL advanced by whole segments ({@code advance_wal}).
 */
final class LogicalSlots {
    /** How often the primary logs a standby snapshot while a standby's slot creation waits for one. */
    private static final long SNAPSHOT_EVERY_MS = 10;
    /** How often {@link #awaitSynced} helps the slot sync along, see {@link #nudgeSync}. */
    private static final Duration NUDGE_EVERY = Duration.ofMillis(100);

    private final ClusterSpec spec;
    private final Topology topology;
    private final Databases databases;

    LogicalSlots(ClusterSpec spec, Topology topology, Databases databases) {
        this.spec = spec;
        this.topology = topology;
        this.databases = databases;
    }

    /** Turns each standby's slot sync worker on, now that its physical slot exists; returns once each runs. */
    void startSlotSync(NodeFiles files, java.util.List<BackendNode> standbys, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (BackendNode standby : standbys) {
            files.rewriteNodeConf(standby);
            Sql.reload(standby);
        }
        for (BackendNode standby : standbys) {
            Waits.until(standby.name() + " runs its slot sync worker", Waits.remaining(deadline),
                    () -> "1".equals(standby.query("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'slotsync worker'")),
                    () -> "sync_replication_slots = " + Sql.single(standby, "SHOW sync_replication_slots") + "; its log:\n"
                            + String.join("\n", standby.logTail(10)));
        }
    }

    /**
     * A slot sync worker whose connection to the primary a refresh ended (it connects to a database
     * there, which the refresh dropped) comes back only tens of seconds later, its restarts being
     * throttled; a restart of its standby starts it at once. Returns once each runs again.
     */
    void restartSlotSync(java.util.List<BackendNode> standbys, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (BackendNode standby : standbys) {
            standby.stopServer();
            standby.startServer(Waits.remaining(deadline));
        }
        for (BackendNode standby : standbys) {
            Waits.until(standby.name() + " runs its slot sync worker again", Waits.remaining(deadline),
                    () -> "1".equals(standby.query("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'slotsync worker'")),
                    () -> "its log:\n" + String.join("\n", standby.logTail(10)));
        }
    }

    /** On the primary; returns the slot's consistent point. */
    String createOnPrimary(BackendNode primary, String slot, String plugin, boolean failover) {
        String operation = "createLogicalSlot(\"" + slot + "\", \"" + plugin + "\"" + (failover ? ", true" : "") + ")";
        if (failover && spec.major() < ReplicationOptions.FAILOVER_SLOTS_MAJOR) {
            throw new UnsupportedOperationException(operation + ": failover slots need PostgreSQL "
                    + ReplicationOptions.FAILOVER_SLOTS_MAJOR + " or newer (failover = true, sync_replication_slots);"
                    + " this cluster runs " + spec.major() + "; create it with failover = false, or use version = \""
                    + ReplicationOptions.FAILOVER_SLOTS_MAJOR + "\" or newer");
        }
        if (failover && !spec.replication().logical()) {
            throw new IllegalStateException(operation + ": a failover slot is synced only to standbys set up for it;"
                    + " ask for logical = true (@PostgresStandbyCluster(logical = true) or builder logical(true))");
        }
        requireLogicalWal(primary, operation);
        String sql = "SELECT lsn::text FROM pg_create_logical_replication_slot(?, ?"
                + (failover ? ", failover => true" : "") + ")";
        try (Connection connection = databases.open(primary); PreparedStatement create = connection.prepareStatement(sql)) {
            create.setString(1, slot);
            create.setString(2, plugin);
            try (ResultSet rows = create.executeQuery()) {
                rows.next();
                String lsn = rows.getString(1);
                NodeLog.of(primary.name()).info("logical slot " + slot + " (" + plugin + (failover ? ", failover" : "")
                        + ") consistent at " + lsn);
                return lsn;
            }
        } catch (SQLException e) {
            throw refused(primary, operation, plugin, e);
        }
    }

    /**
     * On a standby (16+): the creation waits for a running-xacts record from the primary, which an
     * idle primary writes only every 15 s (bgwriter); {@code pg_log_standby_snapshot()} on the primary
     * writes one now, repeated until the creation returns.
     */
    String createOnStandby(BackendNode standby, String slot, String plugin) {
        String operation = "createLogicalSlot(" + standby.name() + ", \"" + slot + "\", \"" + plugin + "\")";
        if (spec.major() < ReplicationOptions.STANDBY_DECODING_MAJOR) {
            throw new UnsupportedOperationException(operation + ": a logical slot on a standby needs PostgreSQL "
                    + ReplicationOptions.STANDBY_DECODING_MAJOR + " or newer (logical decoding on standbys came with "
                    + ReplicationOptions.STANDBY_DECODING_MAJOR + "); this cluster runs " + spec.major()
                    + "; create the slot on the primary instead");
        }
        BackendNode primary = topology.primary();
        requireLogicalWal(primary, operation);
        AtomicReference<Statement> running = new AtomicReference<>();
        CompletableFuture<String> creation = CompletableFuture.supplyAsync(() -> {
            try (Connection connection = databases.open(standby);
                 PreparedStatement create = connection.prepareStatement(
                         "SELECT lsn::text FROM pg_create_logical_replication_slot(?, ?)")) {
                running.set(create);
                create.setString(1, slot);
                create.setString(2, plugin);
                try (ResultSet rows = create.executeQuery()) {
                    rows.next();
                    return rows.getString(1);
                }
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        });
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        try {
            while (true) {
                Sql.single(primary, "SELECT pg_log_standby_snapshot()");
                try {
                    String lsn = creation.get(SNAPSHOT_EVERY_MS, TimeUnit.MILLISECONDS);
                    NodeLog.of(standby.name()).info("logical slot " + slot + " (" + plugin + ") consistent at " + lsn);
                    return lsn;
                } catch (TimeoutException notYet) {
                    if (System.nanoTime() > deadline) {
                        cancel(running.get());
                        throw new ReplicationTimeoutException(operation + ": the slot was not consistent within "
                                + spec.startTimeout() + " although " + primary.name() + " logged standby snapshots;"
                                + " slots on " + standby.name() + ": " + slotRows(standby));
                    }
                }
            }
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause() instanceof CompletionException wrapped ? wrapped.getCause() : failed.getCause();
            if (cause instanceof SQLException e) {
                throw refused(standby, operation, plugin, e);
            }
            throw new IllegalStateException(operation + " failed: " + cause, cause);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            cancel(running.get());
            throw new IllegalStateException(operation + ": interrupted", interrupted);
        }
    }

    /**
     * The standby has the primary's failover slot synced (not temporary, not invalidated) and has
     * reached the confirmed_flush_lsn the primary's slot had when the wait began (a consumer that
     * keeps acknowledging moves it on; a standby syncs at intervals, so a moving target could be missed
     * forever).
     */
    void awaitSynced(BackendNode standby, String slot, Duration timeout) {
        String operation = "awaitSlotSynced(" + standby.name() + ", \"" + slot + "\")";
        if (spec.major() < ReplicationOptions.FAILOVER_SLOTS_MAJOR) {
            throw new UnsupportedOperationException(operation + ": slot synchronization needs PostgreSQL "
                    + ReplicationOptions.FAILOVER_SLOTS_MAJOR + " or newer; this cluster runs " + spec.major());
        }
        BackendNode primary = topology.primary();
        String failover = Sql.single(primary, "SELECT failover::text FROM pg_replication_slots WHERE slot_name = "
                + Sql.literal(slot));
        if (failover == null) {
            throw new IllegalArgumentException(operation + ": " + primary.name() + " has no slot \"" + slot
                    + "\"; create it with createLogicalSlot(\"" + slot + "\", plugin, true)");
        }
        if (!"true".equals(failover)) {
            throw new IllegalArgumentException(operation + ": the slot \"" + slot + "\" on " + primary.name()
                    + " is no failover slot, so no standby syncs it; create it with createLogicalSlot(\"" + slot
                    + "\", plugin, true)");
        }
        String probe = "SELECT s.synced AND NOT s.temporary AND s.invalidation_reason IS NULL"
                + " AND ? FROM pg_replication_slots s WHERE s.slot_name = "
                + Sql.literal(slot);
        String target = Sql.single(primary, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots"
                + " WHERE slot_name = " + Sql.literal(slot));
        String reached = target == null ? "true" : "s.confirmed_flush_lsn >= " + Sql.literal(target) + "::pg_lsn";
        long[] nextNudge = {System.nanoTime()};
        UnmovedFailoverSlot deadEnd = new UnmovedFailoverSlot(primary, standby, slot, operation);
        Waits.until(standby.name() + " has the slot \"" + slot + "\" synced from " + primary.name()
                        + " (synced, not temporary, not invalidated, at the primary's confirmed_flush_lsn "
                        + target + ")", timeout,
                () -> {
                    if (System.nanoTime() >= nextNudge[0]) {
                        nextNudge[0] = System.nanoTime() + NUDGE_EVERY.toNanos();
                        nudgeSync(primary);
                    }
                    if ("t".equals(standby.query(probe.replace("?", reached)))) {
                        return true;
                    }
                    deadEnd.check();
                    return false;
                },
                () -> "pg_replication_slots on " + primary.name() + ":\n" + slotRows(primary)
                        + "\npg_replication_slots on " + standby.name() + ":\n" + slotRows(standby),
                ReplicationTimeoutException::new);
    }

    /**
     * What TAP's failover-slot tests do while they wait: a running-xacts record on the primary, so that
     * a consumer's slot moves its catalog_xmin past what the standby can serve. A newly synced slot
     * stays temporary until then ("could not synchronize replication slot ... could lead to data
     * loss" in the standby's log), and an idle primary writes one only every 15 s.
     */
    private static void nudgeSync(BackendNode primary) {
        Sql.single(primary, "SELECT pg_log_standby_snapshot()");
    }

    /** The slot on {@code node} has confirmed everything up to the primary's current WAL position. */
    void awaitCatchup(BackendNode node, String slot, Duration timeout) {
        String operation = "awaitSlotCatchup(" + node.name() + ", \"" + slot + "\")";
        BackendNode primary = topology.primary();
        String target = Sql.single(primary, "SELECT pg_current_wal_lsn()::text");
        String slotLiteral = Sql.literal(slot);
        String type = Sql.single(node, "SELECT slot_type FROM pg_replication_slots WHERE slot_name = " + slotLiteral);
        if (type == null) {
            throw new IllegalArgumentException(operation + ": " + node.name() + " has no slot \"" + slot
                    + "\"; its slots: " + slotRows(node));
        }
        if (!"logical".equals(type)) {
            throw new IllegalArgumentException(operation + ": \"" + slot + "\" on " + node.name() + " is a " + type
                    + " slot; awaitSlotCatchup takes a logical slot (a consumer confirms it)");
        }
        String lost = lostCondition();
        Waits.until("the slot \"" + slot + "\" on " + node.name() + " confirms " + primary.name() + "'s WAL up to "
                        + target, timeout,
                () -> {
                    String state = node.query("SELECT CASE WHEN " + lost + " THEN 'lost'"
                            + " WHEN confirmed_flush_lsn >= " + Sql.literal(target) + "::pg_lsn THEN 'caught up'"
                            + " ELSE 'behind' END FROM pg_replication_slots WHERE slot_name = " + slotLiteral);
                    if ("lost".equals(state) || state == null) {
                        throw new IllegalStateException(operation + ": the slot \"" + slot + "\" on " + node.name()
                                + (state == null ? " was dropped" : " is invalidated") + "; it will never catch up: "
                                + slotRows(node));
                    }
                    return "caught up".equals(state);
                },
                () -> "pg_replication_slots on " + node.name() + ":\n" + slotRows(node),
                ReplicationTimeoutException::new);
    }

    /** {@code segments} times: a write (a commit with an xid), then {@code pg_switch_wal()}; returns the position after. */
    String advanceWal(BackendNode primary, int segments) {
        for (int i = 0; i < segments; i++) {
            Sql.single(primary, "SELECT txid_current()");
            Sql.single(primary, "SELECT pg_switch_wal()");
        }
        return Sql.single(primary, "SELECT pg_current_wal_lsn()::text");
    }

    /** A slot no consumer can use any more, in the columns this major has. */
    private String lostCondition() {
        if (spec.major() >= 17) {
            return "invalidation_reason IS NOT NULL";
        }
        if (spec.major() >= 16) {
            return "coalesce(conflicting, false) OR wal_status = 'lost'";
        }
        return spec.major() >= 13 ? "wal_status = 'lost'" : "false";
    }

    private void requireLogicalWal(BackendNode primary, String operation) {
        String level = Sql.single(primary, "SELECT current_setting('wal_level')");
        if (!"logical".equals(level)) {
            throw new IllegalStateException(operation + ": " + primary.name() + " runs wal_level = " + level
                    + ", and logical decoding needs logical; ask for logical = true"
                    + " (@PostgresStandbyCluster(logical = true) or builder logical(true))");
        }
    }

    /** PostgreSQL's refusal, said in the caller's terms: an unknown plugin, a taken or invalid name. */
    private RuntimeException refused(BackendNode node, String operation, String plugin, SQLException e) {
        String state = e.getSQLState();
        String said = e.getMessage() + " [SQLState " + state + "]";
        if ("58P01".equals(state) || ("42501".equals(state) && e.getMessage().contains("output plugin"))) {
            return new IllegalArgumentException(operation + ": " + node.name() + " has no usable output plugin \"" + plugin
                    + "\" (" + said + "); use \"pgoutput\" (built in) or \"test_decoding\" (contrib)", e);
        }
        if ("42710".equals(state)) {
            return new IllegalArgumentException(operation + ": " + node.name() + " already has a slot of that name ("
                    + said + "); choose another name", e);
        }
        if ("42602".equals(state)) {
            return new IllegalArgumentException(operation + ": " + said, e);
        }
        return new IllegalStateException(operation + " failed on " + node.name() + ": " + said, e);
    }

    private static void cancel(Statement statement) {
        if (statement == null) {
            return;
        }
        try {
            statement.cancel();
        } catch (SQLException ignored) {
            // the connection is closing anyway
        }
    }

    /** Every row of the node's pg_replication_slots, one JSON object a line, for messages. */
    static String slotRows(BackendNode node) {
        try {
            String rows = node.query("SELECT coalesce(string_agg(row_to_json(s)::text, E'\\n' ORDER BY slot_name),"
                    + " '(no slots)') FROM pg_replication_slots s");
            return rows == null ? "(no slots)" : rows;
        } catch (SQLException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
