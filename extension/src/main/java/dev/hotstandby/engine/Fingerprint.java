package dev.hotstandby.engine;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * What a cluster shows, as text lines free of addresses, ports and object ids: equal for two clusters
 * of one configuration in their declared state, and for one cluster before a test and after its
 * refresh. Each node's role, timeline, replay and what streams from it; its postgresql.auto.conf
 * (what {@code set()} left), pending restarts and slots; the links' and clients' faults; and, read
 * on the primary, the databases, roles, subscriptions, replication origins, prepared transactions
 * and, per database, its schemas, relations, each table's row count and content hash, sequences,
 * functions, types, extensions and publications.
 */
final class Fingerprint {
    /** Not data of the cluster: the engine's own copies, and what PostgreSQL makes per session. */
    private static final String USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

    private final Topology topology;
    private final Databases databases;

    Fingerprint(Topology topology, Databases databases) {
        this.topology = topology;
        this.databases = databases;
    }

    /** With {@code template1}, a superuser session in the primary's template1 (opened here when null). */
    List<String> lines(List<String> linkFaults, List<String> clientFaults, DatabaseSession template1) {
        // side by side: each node's session, and each database's, starts with cold catalog caches
        List<CompletableFuture<List<String>>> nodes = topology.nodes().stream()
                .map(node -> CompletableFuture.supplyAsync(() -> node(node), READERS)).toList();
        List<String> cluster = cluster(topology.primary(), template1);
        List<String> lines = new ArrayList<>();
        nodes.forEach(node -> lines.addAll(node.join()));
        lines.add("link faults: " + listed(linkFaults));
        lines.add("client faults: " + listed(clientFaults));
        lines.addAll(cluster);
        return lines;
    }

    /** One query per node, on the engine's open session: a line each for its role, followers, settings and slots. */
    private List<String> node(BackendNode node) {
        String name = node.name();
        try {
            List<String> lines = new ArrayList<>();
            for (String line : node.query(NODE_STATE).split("\n")) {
                lines.add(name + " " + line);
            }
            return lines;
        } catch (SQLException unreachable) {
            return List.of(name + ": not reachable (" + unreachable.getSQLState() + ")");
        }
    }

    /** pg_walfile_name() fails during recovery: CASE evaluates only the branch of the node's role. */
    private static final String NODE_STATE = "SELECT concat_ws(E'\\n',"
            + " CASE WHEN pg_is_in_recovery() THEN 'is a standby, ' || coalesce((SELECT status || ', timeline '"
            + " || received_tli FROM pg_stat_wal_receiver), 'no WAL receiver') || ', replay '"
            + " || CASE WHEN pg_is_wal_replay_paused() THEN 'paused' ELSE 'running' END"
            + " || ', recovery_min_apply_delay ' || coalesce(current_setting('recovery_min_apply_delay', true), '-')"
            + " ELSE 'is the primary, timeline ' || ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int"
            + " END,"
            + " 'serves: ' || coalesce((SELECT string_agg(application_name || ' ' || state || ' ' || sync_state, ', '"
            + " ORDER BY application_name) FROM pg_stat_replication), '-'),"
            + " 'postgresql.auto.conf: ' || coalesce((SELECT string_agg(name || ' = ' || setting, ', ' ORDER BY name)"
            + " FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'), '-'),"
            + " 'pending restart: ' || coalesce((SELECT string_agg(name, ', ' ORDER BY name) FROM pg_settings"
            + " WHERE pending_restart), '-'),"
            + " 'slots: ' || coalesce((SELECT string_agg(slot_name || ' ' || slot_type || CASE WHEN temporary"
            + " THEN ' temporary' ELSE '' END, ', ' ORDER BY slot_name) FROM pg_replication_slots), '-'))";

    private List<String> cluster(BackendNode primary, DatabaseSession given) {
        List<String> lines = new ArrayList<>();
        String pristine = PristineDatabases.PREFIX.replace("_", "\\_") + "%";
        try (DatabaseSession opened = given == null ? databases.session(primary, "template1") : null) {
            DatabaseSession template1 = given == null ? opened : given;
            List<String> connectable = Databases.values(template1, "datname", "FROM pg_database WHERE datallowconn"
                    + " AND datname NOT LIKE '" + pristine + "'");
            Map<String, CompletableFuture<String>> contents = new LinkedHashMap<>();
            for (String database : connectable) {
                if (!database.equals("template1")) {
                    contents.put(database, CompletableFuture.supplyAsync(() -> content(primary, database), READERS));
                }
            }
            lines.add("databases: " + template1.query("SELECT string_agg(datname, ', ' ORDER BY datname) FROM pg_database"
                    + " WHERE datname NOT LIKE '" + pristine + "'"));
            lines.add("roles: " + template1.query("SELECT string_agg(rolname || CASE WHEN rolsuper THEN ' superuser' ELSE '' END"
                    + " || CASE WHEN rolcanlogin THEN ' login' ELSE '' END || CASE WHEN rolreplication THEN ' replication'"
                    + " ELSE '' END || CASE WHEN rolcreatedb THEN ' createdb' ELSE '' END, ', ' ORDER BY rolname)"
                    + " FROM pg_roles WHERE rolname !~ '^pg_'"));
            lines.add("subscriptions: " + template1.query("SELECT coalesce(string_agg(subname, ', ' ORDER BY subname), '-')"
                    + " FROM pg_subscription"));
            lines.add("replication origins: " + template1.query("SELECT coalesce(string_agg(roname, ', ' ORDER BY roname), '-')"
                    + " FROM pg_replication_origin"));
            lines.add("prepared transactions: " + template1.query("SELECT count(*) FROM pg_prepared_xacts"));
            lines.add("tablespaces: " + template1.query("SELECT string_agg(spcname, ', ' ORDER BY spcname) FROM pg_tablespace"));
            String template1Content = connectable.contains("template1") ? template1.query(DATABASE_CONTENT) : null;
            for (String database : connectable) {
                lines.add("database " + database + ": " + (database.equals("template1") ? template1Content
                        : joined(contents.get(database))));
            }
        } catch (SQLException unreadable) {
            if (unreadable.getSQLState() == null || !unreadable.getSQLState().startsWith("08")) {
                // a query of this class that fails is a bug, not a state: two clusters must not look equal by it
                throw new IllegalStateException("cannot read the fingerprint on " + primary.name() + ": "
                        + unreadable.getMessage(), unreadable);
            }
            lines.add("cluster: not reachable on " + primary.name() + " (" + unreadable.getSQLState() + ")");
        }
        return lines;
    }

    private String content(BackendNode primary, String database) {
        try (DatabaseSession session = databases.session(primary, database)) {
            return session.query(DATABASE_CONTENT);
        } catch (SQLException unreadable) {
            throw new CompletionException(unreadable);
        }
    }

    private static String joined(CompletableFuture<String> content) throws SQLException {
        try {
            return content.join();
        } catch (CompletionException failed) {
            if (failed.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw failed;
        }
    }

    private static final Executor READERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "hotstandby-fingerprint");
        thread.setDaemon(true);
        return thread;
    });

    /** One row: every kind of object a test may create, and each table's row count and content hash. */
    private static final String DATABASE_CONTENT = "SELECT concat_ws(' | ',"
            + " 'schemas ' || coalesce((SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace n WHERE "
            + USER_SCHEMAS + "), '-'),"
            + " 'relations ' || coalesce((SELECT string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text, ','"
            + " ORDER BY n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
            + USER_SCHEMAS + "), '-'),"
            + " 'rows ' || coalesce((SELECT string_agg(format('%I.%I', n.nspname, c.relname) || '='"
            + " || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) || ''/'' || coalesce(sum(hashtext(t::text)::bigint), 0)"
            + " AS c FROM ONLY %I.%I t', n.nspname, c.relname), false, true, '')))[1]::text, ',' ORDER BY n.nspname, c.relname)"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') AND "
            + USER_SCHEMAS + "), '-'),"
            + " 'sequences ' || coalesce((SELECT string_agg(schemaname || '.' || sequencename || '=' || coalesce(last_value::text, '-'),"
            + " ',' ORDER BY schemaname, sequencename) FROM pg_sequences), '-'),"
            + " 'functions ' || coalesce((SELECT string_agg(p.oid::regprocedure::text, ',' ORDER BY p.oid::regprocedure::text)"
            + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_SCHEMAS + "), '-'),"
            + " 'types ' || coalesce((SELECT string_agg(n.nspname || '.' || t.typname, ',' ORDER BY n.nspname, t.typname)"
            + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype IN ('e', 'd', 'r', 'm') AND "
            + USER_SCHEMAS + "), '-'),"
            + " 'extensions ' || coalesce((SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension), '-'),"
            + " 'publications ' || coalesce((SELECT string_agg(pubname, ',' ORDER BY pubname) FROM pg_publication), '-'))";

    private static String listed(List<String> items) {
        return items.isEmpty() ? "-" : String.join(", ", items);
    }

    /** The lines of {@code now} that {@code declared} does not have, and those missing, for a warning. */
    static String differences(List<String> declared, List<String> now) {
        List<String> changes = new ArrayList<>();
        now.stream().filter(line -> !declared.contains(line)).forEach(line -> changes.add("now:      " + line));
        declared.stream().filter(line -> !now.contains(line)).forEach(line -> changes.add("declared: " + line));
        return String.join("\n", changes);
    }
}
