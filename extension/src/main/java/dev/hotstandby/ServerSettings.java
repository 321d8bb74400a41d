package dev.hotstandby;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * PostgreSQL server parameters a test asks for, in {@code postgresql.conf} syntax: values are written
 * as given ({@code "0"}, {@code "'pg_stat_statements'"}, {@code "64MB"}) into each node's
 * {@code user.conf}, which node.conf includes last.
 *
 * @param everyNode    on every node, primary and standbys
 * @param standbysOnly on standbys only, after {@code everyNode} (so they win there); also on a node
 *                     that becomes a standby through rejoin, and taken from a standby that is promoted
 */
public record ServerSettings(Map<String, String> everyNode, Map<String, String> standbysOnly) {

    public static final ServerSettings NONE = new ServerSettings(Map.of(), Map.of());

    /** postgresql.conf's names: letters, digits, underscores; custom ones carry a dot ({@code auto_explain.log_min_duration}). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)*");

    /**
     * Settings the library writes itself, each for the attribute that controls it: a value of the
     * test's own would break what that attribute promises.
     */
    private static final Map<String, String> OWNED = ownedSettings();

    /** A standby needs at least the primary's value of each (PostgreSQL refuses hot standby otherwise); configs/ defaults. */
    private static final Map<String, Integer> AT_LEAST_THE_PRIMARY = orderedMap(
            "max_connections", 100, "max_worker_processes", 8, "max_wal_senders", 10,
            "max_prepared_transactions", 0, "max_locks_per_transaction", 64);

    private static final int DEFAULT_MAX_REPLICATION_SLOTS = 10;

    /** Names are kept as given (lower case, as PostgreSQL matches them case-insensitively), in order. */
    public ServerSettings {
        everyNode = Collections.unmodifiableMap(new LinkedHashMap<>(lowerCaseNames(everyNode)));
        standbysOnly = Collections.unmodifiableMap(new LinkedHashMap<>(lowerCaseNames(standbysOnly)));
    }

    /** The same settings plus {@code name = value} on every node; a name given twice keeps the last value. */
    public ServerSettings with(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(everyNode);
        all.remove(key(name));
        all.put(key(name), value);
        return new ServerSettings(all, standbysOnly);
    }

    /** The same settings plus {@code name = value} on standbys only. */
    public ServerSettings withStandby(String name, String value) {
        Map<String, String> standbys = new LinkedHashMap<>(standbysOnly);
        standbys.remove(key(name));
        standbys.put(key(name), value);
        return new ServerSettings(everyNode, standbys);
    }

    /**
     * Parses {@code "name=value"} entries (as {@code @PostgresStandbyCluster(settings = ...)} and the
     * CLI's {@code --set} give them) into {@code (name, value)} pairs, in order.
     *
     * @param attribute where the entries come from, for messages: {@code "@PostgresStandbyCluster on [X]: settings"}
     */
    public static List<Map.Entry<String, String>> parse(String attribute, String... entries) {
        List<Map.Entry<String, String>> parsed = new ArrayList<>();
        for (String entry : entries) {
            int equals = entry == null ? -1 : entry.indexOf('=');
            if (equals < 0) {
                String name = entry == null ? "" : entry.trim();
                throw new ClusterConfigurationException(attribute + ": \"" + entry + "\" is not name=value; write it as"
                        + " PostgreSQL does in postgresql.conf, e.g. \"" + (NAME.matcher(name).matches() ? name : "max_connections")
                        + "=200\"");
            }
            parsed.add(Map.entry(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim()));
        }
        return parsed;
    }

    /** Every name set, on any node: what a parameter catalog checks (see {@link #unknownNames}). */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>(everyNode.keySet());
        names.addAll(standbysOnly.keySet());
        return names;
    }

    /**
     * The hook for a catalog of the server's parameters (e.g. from {@code postgres --describe-config}):
     * the names set here that {@code known} lacks, ignoring custom (dotted) names, which extensions define.
     */
    public List<String> unknownNames(Set<String> known) {
        return names().stream().filter(name -> !name.contains(".") && !known.contains(name)).toList();
    }

    /** What a standby runs with: the settings of every node, then its own. */
    public Map<String, String> forStandby() {
        Map<String, String> merged = new LinkedHashMap<>(everyNode);
        merged.putAll(standbysOnly);
        return merged;
    }

    /**
     * Validates against the cluster they configure; each message names the attribute
     * ({@code settings} or {@code standbySettings}) and the fix.
     */
    void validate(String owner, int standbys, int major, ReplicationOptions replication) {
        validateEach(owner, "settings", everyNode);
        validateEach(owner, "standbySettings", standbysOnly);
        requireNot(owner, "wal_level", "minimal", "streaming replication needs wal_level replica or logical");
        if (replication.logical()) {
            requireNot(owner, "wal_level", "replica", "logical = true needs wal_level = logical on every node"
                    + " (it sets that itself)");
        }
        if (replication.failoverSlots(major)) {
            String why = "logical = true on PostgreSQL " + major + " syncs failover slots to the standbys, which needs"
                    + " it on; logical = true sets it itself";
            requireStandbyNot(owner, "hot_standby_feedback", why);
            requireStandbyNot(owner, "sync_replication_slots", why);
        }
        requireStandbyNot(owner, "hot_standby", "a hot standby answers queries while it replays; the cluster's"
                + " standbys must (remove hot_standby, or set it on)");
        int senders = standbys == 0 ? 0 : standbys + 1;
        requireAtLeast(owner, "max_wal_senders", senders, "each of the " + standbys + " standby(s) streams through a WAL"
                + " sender of its upstream, and a base backup (a standby's first start, a rejoin) needs one more");
        if (replication.physicalSlots(major)) {
            requireAtLeast(owner, "max_replication_slots", standbys, (replication.replicationSlots()
                    ? "replicationSlots = true" : "logical = true (failover slots)") + " keeps a slot per standby"
                    + " (after a promotion, all of them on the new primary)");
        }
        for (Map.Entry<String, Integer> parameter : AT_LEAST_THE_PRIMARY.entrySet()) {
            String name = parameter.getKey();
            if (!standbysOnly.containsKey(name)) {
                continue;
            }
            long primary = everyNode.containsKey(name) ? integer(owner, "settings", name, everyNode.get(name)) : parameter.getValue();
            long standby = integer(owner, "standbySettings", name, standbysOnly.get(name));
            if (standby < primary) {
                throw new ClusterConfigurationException(owner + ": standbySettings sets " + name + " = " + standby
                        + ", lower than the primary's " + primary + "; PostgreSQL refuses hot standby with less than the"
                        + " primary's " + name + ": give standbys " + primary + " or more, or lower it in settings");
            }
        }
    }

    /**
     * The values PostgreSQL records in pg_control and checks when a standby starts, as every node runs
     * them; a backend that copies a data directory made elsewhere must record these first.
     */
    public Map<String, String> recordedInControlFile() {
        Map<String, String> recorded = new LinkedHashMap<>();
        AT_LEAST_THE_PRIMARY.keySet().stream().filter(everyNode::containsKey)
                .forEach(name -> recorded.put(name, everyNode.get(name)));
        return recorded;
    }

    private static void validateEach(String owner, String attribute, Map<String, String> settings) {
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            String name = setting.getKey();
            if (name.isEmpty()) {
                throw new ClusterConfigurationException(owner + ": " + attribute + " has an entry without a name (\"="
                        + setting.getValue() + "\"); write name=value, e.g. \"max_connections=200\"");
            }
            if (!NAME.matcher(name).matches()) {
                throw new ClusterConfigurationException(owner + ": " + attribute + " names \"" + name + "\", which is no"
                        + " PostgreSQL parameter name (letters, digits and underscores, e.g. \"max_connections\")");
            }
            String value = setting.getValue();
            if (value == null || value.isBlank()) {
                throw new ClusterConfigurationException(owner + ": " + attribute + " gives " + name + " no value; write"
                        + " " + name + "=value, with '' for an empty string");
            }
            if (value.contains("\n") || value.contains("\r")) {
                throw new ClusterConfigurationException(owner + ": " + attribute + ": the value of " + name
                        + " spans lines; postgresql.conf takes one line per setting");
            }
            String controlledBy = OWNED.get(name);
            if (controlledBy != null) {
                throw new ClusterConfigurationException(owner + ": " + attribute + " must not set " + name
                        + ": hotstandby sets it itself; " + controlledBy);
            }
            if (AT_LEAST_THE_PRIMARY.containsKey(name) || name.equals("max_replication_slots")) {
                integer(owner, attribute, name, value);
            }
        }
    }

    private void requireNot(String owner, String name, String forbidden, String why) {
        for (String attribute : List.of("settings", "standbySettings")) {
            String value = (attribute.equals("settings") ? everyNode : standbysOnly).get(name);
            if (value != null && unquoted(value).equalsIgnoreCase(forbidden)) {
                throw new ClusterConfigurationException(owner + ": " + attribute + " sets " + name + " = " + value + ", but "
                        + why + "; remove it or choose another value");
            }
        }
    }

    private void requireStandbyNot(String owner, String name, String why) {
        for (String attribute : List.of("settings", "standbySettings")) {
            String value = (attribute.equals("settings") ? everyNode : standbysOnly).get(name);
            if (value != null && isOff(unquoted(value))) {
                throw new ClusterConfigurationException(owner + ": " + attribute + " sets " + name + " = " + value
                        + " on the standbys, but " + why);
            }
        }
    }

    /** Checked where the node would run with it: every node's value and, where set, the standbys' own. */
    private void requireAtLeast(String owner, String name, long needed, String why) {
        for (String attribute : List.of("settings", "standbySettings")) {
            String value = (attribute.equals("settings") ? everyNode : standbysOnly).get(name);
            if (value != null && integer(owner, attribute, name, value) < needed) {
                throw new ClusterConfigurationException(owner + ": " + attribute + " sets " + name + " = " + value
                        + ", but this cluster needs at least " + needed + ": " + why + "; raise it to " + needed
                        + " or remove it (the default is " + (name.equals("max_replication_slots")
                        ? DEFAULT_MAX_REPLICATION_SLOTS : AT_LEAST_THE_PRIMARY.get(name)) + ")");
            }
        }
    }

    private static long integer(String owner, String attribute, String name, String value) {
        try {
            return Long.parseLong(unquoted(value));
        } catch (NumberFormatException notANumber) {
            throw new ClusterConfigurationException(owner + ": " + attribute + " sets " + name + " = " + value
                    + ", but " + name + " takes a whole number, e.g. " + name + "="
                    + AT_LEAST_THE_PRIMARY.getOrDefault(name, DEFAULT_MAX_REPLICATION_SLOTS));
        }
    }

    /** PostgreSQL's spellings of false: off, false, no, 0 and their unique prefixes (of, f, n). */
    private static boolean isOff(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return v.equals("0") || (v.length() >= 2 && "off".startsWith(v)) || (!v.isEmpty() && "false".startsWith(v))
                || (!v.isEmpty() && "no".startsWith(v));
    }

    private static String unquoted(String value) {
        String v = value.trim();
        return v.length() >= 2 && v.startsWith("'") && v.endsWith("'") ? v.substring(1, v.length() - 1).trim() : v;
    }

    private static String key(String name) {
        return name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> lowerCaseNames(Map<String, String> settings) {
        Map<String, String> lowered = new LinkedHashMap<>();
        if (settings != null) {
            settings.forEach((name, value) -> lowered.put(key(name), value == null ? null : value.trim()));
        }
        return lowered;
    }

    /**
     * Why a parameter is hotstandby's own and what controls it instead, for every check that refuses it
     * (settings before start, {@code PostgresCluster.set} at run time); empty for any other parameter.
     */
    public static Optional<String> controlledBy(String name) {
        return Optional.ofNullable(OWNED.get(key(name)));
    }

    private static Map<String, String> ownedSettings() {
        Map<String, String> owned = new LinkedHashMap<>();
        owned.put("port", "each node gets a free port of its own; read it from PostgresNode.port()");
        owned.put("listen_addresses", "the backend decides where a node listens (loopback for local processes, the"
                + " container or machine network otherwise); choose the backend with backend = ...");
        owned.put("unix_socket_directories", "the backend gives each cluster a private socket directory;"
                + " connect over TCP with PostgresNode.jdbcUrl()");
        owned.put("primary_conninfo", "the topology decides whom a standby streams from: use upstreams = {...}");
        owned.put("primary_slot_name", "use replicationSlots = true (a slot per standby on its upstream)");
        owned.put("synchronous_standby_names", "use synchronous = true and quorum = \"FIRST n\" / \"ANY n\"");
        owned.put("archive_command", "use archiving = true (the cluster's own archive, restored from by standbys)");
        owned.put("restore_command", "use archiving = true (the cluster's own archive, restored from by standbys)");
        owned.put("cluster_name", "it is the node's name (primary, standby-0, ...), which is also its application_name");
        return Collections.unmodifiableMap(owned);
    }

    private static Map<String, Integer> orderedMap(Object... pairs) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
