package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import java.sql.SQLException;
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
    private final Slots slots;

    DataRefresh(ClusterSpec spec, Topology topology, StartContract contract, Databases databases,
                PristineDatabases pristine, Slots slots) {
        this.spec = spec;
        this.topology = topology;
        this.contract = contract;
        this.databases = databases;
        this.pristine = pristine;
        this.slots = slots;
    }

    /** {@code maintenance}: a superuser session in the primary's template1, which no refresh drops. */
    void run(DatabaseSession maintenance) throws SQLException {
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
        if (!"0".equals(maintenance.query("SELECT (SELECT count(*) FROM pg_prepared_xacts)"
                + " + (SELECT count(*) FROM pg_subscription) + (SELECT count(*) FROM pg_replication_origin)"))) {
            rollBackPrepared(maintenance, primary);
            dropSubscriptions(maintenance, primary);
            for (String origin : Databases.values(maintenance, "roname", "FROM pg_replication_origin")) {
                maintenance.query("SELECT pg_replication_origin_drop(" + Sql.literal(origin) + ")");
            }
        }
        for (BackendNode node : topology.nodes()) {
            slots.dropUndeclared(node, topology.followersOf(node), topology.isStandby(node) && spec.major() >= 17,
                    spec.startTimeout());
        }
        StartupTrace.mark("refresh: replication objects dropped");
        topology.nodes().forEach(BackendNode::closeSession);
        pristine.restore(maintenance, spec.major());
        StartupTrace.mark("refresh: databases restored");
        contract.awaitReplayed(topology.standbys(), spec.startTimeout());
        StartupTrace.mark("refresh: replayed");
        awaitSyncedSlotsGone();
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
    private void rollBackPrepared(DatabaseSession maintenance, BackendNode primary) throws SQLException {
        inEachDatabase(maintenance, primary, "database || chr(30) || gid", "FROM pg_prepared_xacts",
                (session, gid) -> session.query("ROLLBACK PREPARED " + Sql.literal(gid)));
    }

    /**
     * Disabled and detached from their slot first: dropping one would otherwise connect to its
     * publisher, which may be gone, to drop the slot there (the publisher's own refresh does that).
     */
    private void dropSubscriptions(DatabaseSession maintenance, BackendNode primary) throws SQLException {
        inEachDatabase(maintenance, primary, "d.datname || chr(30) || s.subname",
                "FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid", (session, subscription) -> {
                    String name = PristineDatabases.identifier(subscription);
                    session.query("ALTER SUBSCRIPTION " + name + " DISABLE");
                    session.query("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
                    session.query("DROP SUBSCRIPTION " + name);
                });
    }

    private interface InDatabase {
        void run(DatabaseSession session, String name) throws SQLException;
    }

    /** {@code pairs}: "database, name" values; {@code action} runs for each name in a session of its database. */
    private void inEachDatabase(DatabaseSession maintenance, BackendNode primary, String pairs, String from,
                                InDatabase action) throws SQLException {
        Map<String, List<String>> byDatabase = new TreeMap<>();
        for (String pair : Databases.values(maintenance, pairs, from)) {
            String[] fields = pair.split(Databases.FIELD, -1);
            byDatabase.computeIfAbsent(fields[0], database -> new ArrayList<>()).add(fields[1]);
        }
        for (Map.Entry<String, List<String>> database : byDatabase.entrySet()) {
            try (DatabaseSession session = databases.session(primary, database.getKey())) {
                for (String name : database.getValue()) {
                    action.run(session, name);
                }
            }
        }
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

}
