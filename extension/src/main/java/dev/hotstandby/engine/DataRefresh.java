package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A refresh that keeps the servers and their timeline, for a cluster whose topology is as declared:
 * stopped nodes started, paused replay resumed, {@code set()}'s settings reset (a restart where one
 * needs it), streaming checked; then on the primary prepared transactions rolled back, subscriptions,
 * replication origins and every slot that is not declared dropped (a standby's own too), the
 * databases re-created from their {@link PristineDatabases pristine copies}, and the standbys caught
 * up. Faults are lifted by the engine before.
 */
final class DataRefresh {
    private final ClusterSpec spec;
    private final Topology topology;
    private final StartContract contract;
    private final Databases databases;
    private final PristineDatabases pristine;

    DataRefresh(ClusterSpec spec, Topology topology, StartContract contract, Databases databases,
                PristineDatabases pristine) {
        this.spec = spec;
        this.topology = topology;
        this.contract = contract;
        this.databases = databases;
        this.pristine = pristine;
    }

    /** {@code maintenance}: a superuser connection to the primary's template1, which no refresh drops. */
    void run(Connection maintenance) throws SQLException {
        BackendNode primary = topology.primary();
        startIfStopped(primary);
        resetSettings(primary);
        for (BackendNode standby : topology.standbysUpstreamFirst()) {
            startIfStopped(standby);
            Sql.single(standby, "SELECT CASE WHEN pg_is_wal_replay_paused() THEN pg_wal_replay_resume() END");
            resetSettings(standby);
        }
        StartupTrace.mark("refresh: nodes running, settings reset");
        contract.await(topology.standbys(), spec.startTimeout());
        StartupTrace.mark("refresh: streaming");
        try (Statement statement = maintenance.createStatement()) {
            if (!"0".equals(single(statement, "SELECT (SELECT count(*) FROM pg_prepared_xacts)"
                    + " + (SELECT count(*) FROM pg_subscription) + (SELECT count(*) FROM pg_replication_origin)"))) {
                rollBackPrepared(statement, primary);
                dropSubscriptions(statement, primary);
                dropOrigins(statement);
            }
            for (BackendNode node : topology.nodes()) {
                dropSlots(node);
            }
            StartupTrace.mark("refresh: replication objects dropped");
            topology.nodes().forEach(BackendNode::closeSession);
            pristine.restore(maintenance, spec.major());
            StartupTrace.mark("refresh: databases restored");
        }
        contract.awaitReplayed(topology.standbys(), spec.startTimeout());
        StartupTrace.mark("refresh: replayed");
        awaitSyncedSlotsGone();
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private void startIfStopped(BackendNode node) {
        if (!node.isServerRunning()) {
            node.startServer(spec.startTimeout());
        }
    }

    /**
     * {@code ALTER SYSTEM RESET ALL} where postgresql.auto.conf has anything (set(), applyDelay()),
     * then a reload, or a restart where a setting changes only with one.
     */
    private void resetSettings(BackendNode node) {
        String set = Sql.single(node, "SELECT count(*) FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'");
        if ("0".equals(set)) {
            return;
        }
        Sql.single(node, "ALTER SYSTEM RESET ALL");
        Sql.reload(node);
        Waits.until(node.name() + " has re-read its configuration", spec.startTimeout(),
                () -> "0".equals(node.query("SELECT count(*) FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'")),
                () -> "pg_file_settings still lists postgresql.auto.conf");
        if (!"0".equals(Sql.single(node, "SELECT count(*) FROM pg_settings WHERE pending_restart"))) {
            node.stopServer();
            node.startServer(spec.startTimeout());
        }
        NodeLog.of(node.name()).info("refresh: the settings set() made are reset");
    }

    /** Each in its own database: PostgreSQL finishes a prepared transaction only there. */
    private void rollBackPrepared(Statement statement, BackendNode primary) throws SQLException {
        Map<String, List<String>> byDatabase = byDatabase(statement, "SELECT database, gid FROM pg_prepared_xacts");
        for (Map.Entry<String, List<String>> database : byDatabase.entrySet()) {
            try (Connection connection = databases.open(primary, database.getKey());
                 Statement inDatabase = connection.createStatement()) {
                for (String gid : database.getValue()) {
                    inDatabase.execute("ROLLBACK PREPARED " + Sql.literal(gid));
                }
            }
        }
    }

    private static Map<String, List<String>> byDatabase(Statement statement, String sql) throws SQLException {
        Map<String, List<String>> byDatabase = new TreeMap<>();
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                byDatabase.computeIfAbsent(rows.getString(1), database -> new ArrayList<>()).add(rows.getString(2));
            }
        }
        return byDatabase;
    }

    /**
     * Disabled and detached from their slot first: dropping one would otherwise connect to its
     * publisher, which may be gone, to drop the slot there (the publisher's own refresh does that).
     */
    private void dropSubscriptions(Statement statement, BackendNode primary) throws SQLException {
        Map<String, List<String>> byDatabase = byDatabase(statement, "SELECT d.datname, s.subname FROM pg_subscription s"
                + " JOIN pg_database d ON d.oid = s.subdbid");
        for (Map.Entry<String, List<String>> database : byDatabase.entrySet()) {
            try (Connection connection = databases.open(primary, database.getKey());
                 Statement inDatabase = connection.createStatement()) {
                for (String subscription : database.getValue()) {
                    String name = PristineDatabases.identifier(subscription);
                    inDatabase.execute("ALTER SUBSCRIPTION " + name + " DISABLE");
                    inDatabase.execute("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
                    inDatabase.execute("DROP SUBSCRIPTION " + name);
                }
            }
        }
    }

    private static void dropOrigins(Statement statement) throws SQLException {
        for (String origin : column(statement, "SELECT roname FROM pg_replication_origin")) {
            statement.execute("SELECT pg_replication_origin_drop(" + Sql.literal(origin) + ")");
        }
    }

    /**
     * Every slot but the declared physical ones, its consumer ended first. A standby cannot drop what
     * it syncs from the primary: such a slot goes once the primary's has ({@link #awaitSyncedSlotsGone}).
     */
    private void dropSlots(BackendNode node) {
        String exceptSynced = topology.isStandby(node) && spec.major() >= 17 ? " AND NOT synced" : "";
        String names = Sql.single(node, "SELECT string_agg(slot_name, ',') FROM pg_replication_slots"
                + " WHERE (slot_type = 'logical'" + exceptSynced + ")"
                + " OR (slot_type = 'physical' AND slot_name NOT IN (" + declaredSlots(node) + "))");
        if (names == null) {
            return;
        }
        for (String slot : names.split(",")) {
            String literal = Sql.literal(slot);
            Sql.single(node, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = " + literal
                    + " AND active_pid IS NOT NULL");
            Waits.until(node.name() + "'s slot " + slot + " is released by its consumer", spec.startTimeout(),
                    () -> "0".equals(node.query("SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = "
                            + literal)), () -> "still active");
            Sql.single(node, "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE slot_name = "
                    + literal);
        }
    }

    /** The physical slots the node keeps for the standbys that stream from it (replicationSlots, failover slots). */
    private String declaredSlots(BackendNode node) {
        if (!spec.replication().physicalSlots(spec.major())) {
            return "''";
        }
        List<String> slots = topology.followersOf(node).stream()
                .map(follower -> Sql.literal(dev.hotstandby.config.ReplicationSettings.slotName(follower.name()))).toList();
        return slots.isEmpty() ? "''" : String.join(", ", slots);
    }

    /**
     * With failover slots (17+), a standby drops the slots it synced once they are gone from the
     * primary, at its worker's next cycle (up to 30 s when idle); a restart runs that cycle at once.
     */
    private void awaitSyncedSlotsGone() {
        if (!spec.replication().failoverSlots(spec.major())) {
            return;
        }
        for (BackendNode standby : topology.standbys()) {
            String left = "SELECT count(*) FROM pg_replication_slots WHERE synced";
            try {
                Waits.until(standby.name() + " drops the slots it synced", Duration.ofMillis(500),
                        () -> "0".equals(standby.query(left)), () -> "");
            } catch (RuntimeException stillThere) {
                standby.stopServer();
                standby.startServer(spec.startTimeout());
                Waits.until(standby.name() + " drops the slots it synced after a restart", spec.startTimeout(),
                        () -> "0".equals(standby.query(left)), () -> Sql.single(standby, "SELECT string_agg(slot_name, ', ')"
                                + " FROM pg_replication_slots WHERE synced"));
            }
        }
    }

    private static List<String> column(Statement statement, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
