package dev.hotstandby.engine;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Copies of a cluster's databases as they were once it had started (the init scripts run), taken
 * on the primary with {@code CREATE DATABASE ... TEMPLATE}, and what a data-only refresh puts back
 * from them: each database dropped and created again from its copy, the databases and roles that
 * were not there then dropped. The copies take no connections ({@code ALLOW_CONNECTIONS false}),
 * so nothing can change them; the standbys replay it all.
 */
final class PristineDatabases {
    static final String PREFIX = "hotstandby_pristine_";

    /** A database as it was, and the role that owned it. */
    private record Copy(String copy, String owner) {
    }

    private final Map<String, Copy> copies = new LinkedHashMap<>();
    private final Set<String> roles = new TreeSet<>();

    boolean taken() {
        return !copies.isEmpty();
    }

    /** What a later JVM needs to restore from the same copies: one line per database, then the roles. */
    String toRecord() {
        StringBuilder record = new StringBuilder();
        copies.forEach((database, copy) -> record.append("database").append(FIELD).append(database).append(FIELD)
                .append(copy.copy()).append(FIELD).append(copy.owner()).append('\n'));
        roles.forEach(role -> record.append("role").append(FIELD).append(role).append('\n'));
        return record.toString();
    }

    /** The copies a former JVM took, as {@link #toRecord} wrote them. */
    void fromRecord(String record) {
        forget();
        for (String line : record.split("\n")) {
            String[] fields = line.split(FIELD, -1);
            if (fields[0].equals("database") && fields.length == 4) {
                copies.put(fields[1], new Copy(fields[2], fields[3]));
            } else if (fields[0].equals("role") && fields.length == 2) {
                roles.add(fields[1]);
            }
        }
    }

    /** Between the fields of a record line: no database or role name has it. */
    private static final String FIELD = "\u001f";

    /** After a boot again, which made new databases: the copies must be taken anew. */
    void forget() {
        copies.clear();
        roles.clear();
    }

    /**
     * Copies every database but the templates. {@code maintenance} is a superuser session in
     * {@code template1} of the primary; nothing else may be connected to the copied databases
     * (a copy's source takes no other sessions), so the engine's own sessions are closed first.
     */
    void take(DatabaseSession maintenance, int major) throws SQLException {
        copies.clear();
        roles.clear();
        dropCopies(maintenance);
        int index = 0;
        for (String database : Databases.values(maintenance, "datname || chr(30) || pg_get_userbyid(datdba)",
                "FROM pg_database WHERE NOT datistemplate")) {
            String[] fields = database.split(Databases.FIELD, -1);
            String copy = PREFIX + index++;
            // its source takes no other session while it is copied
            endSessions(maintenance, fields[0]);
            createFrom(maintenance, copy, fields[0], null, major);
            maintenance.query("ALTER DATABASE " + identifier(copy) + " ALLOW_CONNECTIONS false");
            copies.put(fields[0], new Copy(copy, fields[1]));
        }
        roles.addAll(Databases.values(maintenance, "rolname", "FROM pg_roles WHERE rolname !~ '^pg_'"));
    }

    /**
     * Every database back as it was: the declared ones dropped and created again from their copies,
     * the others dropped; then the roles made since dropped. Sessions in those databases end.
     */
    void restore(DatabaseSession maintenance, int major) throws SQLException {
        for (String database : Databases.values(maintenance, "datname", "FROM pg_database WHERE NOT datistemplate"
                + " AND datname NOT LIKE '" + PREFIX.replace("_", "\\_") + "%'")) {
            drop(maintenance, database, major);
        }
        for (Map.Entry<String, Copy> declared : copies.entrySet()) {
            createFrom(maintenance, declared.getKey(), declared.getValue().copy(), declared.getValue().owner(), major);
        }
        for (String role : Databases.values(maintenance, "rolname", "FROM pg_roles WHERE rolname !~ '^pg_'")) {
            if (!roles.contains(role)) {
                // what it may still own outside the dropped databases (in template1, the session's database)
                maintenance.query("DROP OWNED BY " + identifier(role));
                maintenance.query("DROP ROLE " + identifier(role));
            }
        }
    }

    /** A copy left by an earlier take (a cluster reused from another run, or booted again). */
    private static void dropCopies(DatabaseSession maintenance) throws SQLException {
        for (String copy : Databases.values(maintenance, "datname", "FROM pg_database WHERE datname LIKE '"
                + PREFIX.replace("_", "\\_") + "%'")) {
            maintenance.query("DROP DATABASE " + identifier(copy));
        }
    }

    /**
     * No session may stay: none may connect from now on, the others are ended (DROP DATABASE ...
     * WITH (FORCE) and PostgreSQL's own wait for other sessions poll every 100 ms, this every 1 ms).
     */
    private static void drop(DatabaseSession maintenance, String database, int major) throws SQLException {
        String name = identifier(database);
        maintenance.query("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
        endSessions(maintenance, database);
        maintenance.query("DROP DATABASE " + name + (major >= 13 ? " WITH (FORCE)" : ""));
    }

    /**
     * Ends every other session in the database (a test's pool, a standby's slot sync worker) and
     * returns once their backends are gone, or after 30 s: the statement that needs them gone says
     * then who is still there.
     */
    private static void endSessions(DatabaseSession maintenance, String database) throws SQLException {
        String others = "FROM pg_stat_activity WHERE datname = " + Sql.literal(database) + " AND pid <> pg_backend_pid()";
        if ("0".equals(maintenance.query("SELECT count(pg_terminate_backend(pid)) " + others))) {
            return;
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() - deadline < 0 && !"0".equals(maintenance.query("SELECT count(*) " + others))) {
            pause();
        }
    }

    /** A session that ended a moment ago may still count as "accessing" the source: tried again, briefly. */
    private static void createFrom(DatabaseSession maintenance, String database, String template, String owner, int major)
            throws SQLException {
        String sql = "CREATE DATABASE " + identifier(database) + " TEMPLATE " + identifier(template)
                + (owner == null ? "" : " OWNER " + identifier(owner))
                + (major >= 15 ? " STRATEGY " + STRATEGY : "");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                maintenance.query(sql);
                return;
            } catch (SQLException sourceInUse) {
                if (!"55006".equals(sourceInUse.getSQLState()) || System.nanoTime() - deadline > 0) {
                    throw sourceInUse;
                }
                endSessions(maintenance, template);
            }
        }
    }

    /** WAL_LOG (15's default) writes every block of the copy into the WAL; FILE_COPY only a record and two checkpoints. */
    private static final String STRATEGY = System.getProperty("hotstandby.refresh.strategy", "FILE_COPY");

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for sessions to end", e);
        }
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
