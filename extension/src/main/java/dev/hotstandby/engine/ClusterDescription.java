package dev.hotstandby.engine;

import dev.hotstandby.Lsn;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What each node is and does now, read from the servers (one query per running node, its
 * upstream's {@code pg_stat_replication} for the link's state and lag) and from what the engine
 * did to it (killed, cut, link and client faults): the table of {@code PostgresCluster.describe()}.
 */
final class ClusterDescription {
    /** The columns, in order; the short form keeps the first {@link #SHORT} of them. */
    static final List<String> COLUMNS = List.of("node", "role", "upstream", "state", "timeline", "wal (received)", "flushed",
            "replayed", "lag", "slots", "faults", "replay", "set()");
    private static final int SHORT = 9;

    private final Topology topology;
    private final int major;
    private final Set<BackendNode> killed;
    private final List<String> linkFaults;
    private final List<String> clientFaults;

    ClusterDescription(Topology topology, int major, Set<BackendNode> killed, List<String> linkFaults,
                       List<String> clientFaults) {
        this.topology = topology;
        this.major = major;
        this.killed = killed;
        this.linkFaults = linkFaults;
        this.clientFaults = clientFaults;
    }

    /** A row per node, the columns as {@link #COLUMNS}. */
    List<List<String>> rows() {
        Map<BackendNode, NodeState> states = new LinkedHashMap<>();
        for (BackendNode node : topology.nodes()) {
            states.put(node, NodeState.read(node, major));
        }
        Map<String, String[]> links = new HashMap<>();
        states.values().forEach(state -> links.putAll(state.followers));
        Lsn primaryWal = states.get(topology.primary()).walLsn();
        List<List<String>> rows = new ArrayList<>();
        for (BackendNode node : topology.nodes()) {
            rows.add(row(node, states.get(node), links.get(node.name()), primaryWal));
        }
        return rows;
    }

    /** The whole table; {@code brief}: the first columns only, for a failure message. */
    String table(boolean brief) {
        List<String> header = brief ? COLUMNS.subList(0, SHORT) : COLUMNS;
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        rows().forEach(row -> rows.add(brief ? row.subList(0, SHORT) : row));
        int[] widths = new int[header.size()];
        rows.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        StringBuilder table = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(String.format("%-" + widths[i] + "s", row.get(i))).append(i < row.size() - 1 ? "  " : "");
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
        return table.toString();
    }

    private List<String> row(BackendNode node, NodeState state, String[] link, Lsn primaryWal) {
        boolean standby = topology.isStandby(node);
        String upstream = standby ? topology.upstreamOf(node).name() : "-";
        String role = topology.roleOf(node).name().toLowerCase(Locale.ROOT).replace('_', ' ');
        List<String> faults = new ArrayList<>();
        linkFaults.stream().filter(fault -> fault.startsWith(node.name() + " ")).forEach(fault -> faults.add("link "
                + fault.substring(node.name().length() + 1)));
        if (clientFaults.contains(node.name())) {
            faults.add("clients faulted");
        }
        return List.of(node.name(), role, upstream, state(node, state, link, faults), state.timeline,
                state.walLsn == null ? "-" : state.walLsn, state.flushed, state.replayed,
                standby ? lag(state, link, primaryWal) : "-", state.slots, faults.isEmpty() ? "-" : String.join(", ", faults),
                state.replay, state.changed);
    }

    private String state(BackendNode node, NodeState state, String[] link, List<String> faults) {
        if (!state.running) {
            return killed.contains(node) ? "killed" : "stopped";
        }
        if (!topology.isStandby(node)) {
            return "running";
        }
        if (faults.contains("link cut")) {
            return "cut";
        }
        if (link == null) {
            return "not streaming";   // no WAL sender for it on its upstream (yet, or the upstream is down)
        }
        return "streaming".equals(link[0]) ? "streaming" : "catching up";
    }

    /** Bytes behind the primary's WAL (replayed), and the upstream's replay_lag of the link. */
    private static String lag(NodeState state, String[] link, Lsn primaryWal) {
        if (primaryWal == null || "-".equals(state.replayed)) {
            return "-";
        }
        long bytes = Math.max(0, primaryWal.value() - Lsn.parse(state.replayed).value());
        return bytes + " B" + (link != null && !link[1].isEmpty() ? " / " + link[1] + " ms" : "");
    }

    /** One node's own view. */
    private static final class NodeState {
        boolean running;
        String timeline = "-";
        String walLsn;
        String flushed = "-";
        String replayed = "-";
        String slots = "-";
        String replay = "-";
        String changed = "-";
        /** Per follower's application_name: its state and replay lag in ms. */
        final Map<String, String[]> followers = new HashMap<>();

        Lsn walLsn() {
            return walLsn == null ? null : Lsn.parse(walLsn);
        }

        static NodeState read(BackendNode node, int major) {
            NodeState state = new NodeState();
            if (!node.isServerRunning()) {
                return state;
            }
            String line;
            try {
                line = node.query(query(major));
            } catch (SQLException | RuntimeException unreachable) {
                state.replay = "unreachable: " + unreachable.getMessage();
                return state;
            }
            state.running = true;
            String[] fields = line.split("\\|", -1);
            state.timeline = fields[0];
            state.walLsn = fields[1].isEmpty() ? null : fields[1];
            state.flushed = orDash(fields[2]);
            state.replayed = orDash(fields[3]);
            state.replay = orDash(fields[4]);
            state.changed = orDash(fields[5]);
            state.slots = orDash(fields[6]);
            if (!fields[7].isEmpty()) {
                for (String follower : fields[7].split(",")) {
                    String[] parts = follower.split("=", -1);
                    state.followers.put(parts[0], parts[1].split("/", -1));
                }
            }
            return state;
        }

        private static String orDash(String field) {
            return field.isEmpty() ? "-" : field;
        }

        /**
         * Timeline (a primary's from its WAL file name, a standby's as received), WAL (current or
         * received), flushed, replayed, replay paused or delayed, what set() changed (ALTER SYSTEM,
         * in postgresql.auto.conf), slots with the WAL each retains, and the followers' links.
         */
        private static String query(int major) {
            String flushed = major >= 13 ? "flushed_lsn" : "received_lsn";
            String here = "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END";
            return "SELECT concat_ws('|',"
                    + " CASE WHEN pg_is_in_recovery() THEN coalesce((SELECT received_tli::text FROM pg_stat_wal_receiver),"
                    + "   (SELECT timeline_id::text FROM pg_control_checkpoint()))"
                    + "  ELSE (('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int)::text END,"
                    + " coalesce(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END::text, ''),"
                    + " coalesce((SELECT " + flushed + "::text FROM pg_stat_wal_receiver), ''),"
                    + " coalesce(pg_last_wal_replay_lsn()::text, ''),"
                    + " CASE WHEN NOT pg_is_in_recovery() THEN ''"
                    + "  WHEN pg_is_wal_replay_paused() THEN 'paused'"
                    + "  WHEN current_setting('recovery_min_apply_delay') NOT IN ('0', '0ms')"
                    + "   THEN 'delayed ' || current_setting('recovery_min_apply_delay') ELSE '' END,"
                    + " coalesce((SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings"
                    + "   WHERE sourcefile LIKE '%postgresql.auto.conf'), ''),"
                    + " coalesce((SELECT string_agg(slot_name || ' ' || slot_type || CASE WHEN active THEN ' active' ELSE '' END"
                    + "   || coalesce(' ' || pg_size_pretty(pg_wal_lsn_diff(" + here + ", restart_lsn)), ''), ', ' ORDER BY slot_name)"
                    + "   FROM pg_replication_slots), ''),"
                    + " coalesce((SELECT string_agg(application_name || '=' || state || '/'"
                    + "   || coalesce(round(extract(epoch FROM replay_lag) * 1000)::text, ''), ',') FROM pg_stat_replication), ''))";
        }
    }
}
