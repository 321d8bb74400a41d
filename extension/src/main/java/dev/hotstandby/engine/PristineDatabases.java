package dev.hotstandby.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
     * Copies every database but the templates. {@code maintenance} is a superuser connection to
     * {@code template1} of the primary; nothing else may be connected to the copied databases
     * (a copy's source takes no other sessions), so the engine's own sessions are closed first.
     */
    void take(Connection maintenance, int major) throws SQLException {
        copies.clear();
        roles.clear();
        try (Statement statement = maintenance.createStatement()) {
            dropCopies(statement);
            Map<String, String> owners = new LinkedHashMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT datname, pg_get_userbyid(datdba) FROM pg_database"
                    + " WHERE NOT datistemplate ORDER BY datname")) {
                while (rows.next()) {
                    owners.put(rows.getString(1), rows.getString(2));
                }
            }
            int index = 0;
            for (Map.Entry<String, String> database : owners.entrySet()) {
                String copy = PREFIX + index++;
                // its source takes no other session while it is copied
                endSessions(statement, database.getKey());
                createFrom(statement, copy, database.getKey(), null, major);
                statement.execute("ALTER DATABASE " + identifier(copy) + " ALLOW_CONNECTIONS false");
                copies.put(database.getKey(), new Copy(copy, database.getValue()));
            }
            try (ResultSet rows = statement.executeQuery("SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_'")) {
                while (rows.next()) {
                    roles.add(rows.getString(1));
                }
            }
        }
    }

    /**
     * Every database back as it was: the declared ones dropped and created again from their copies,
     * the others dropped; then the roles made since dropped. Sessions in those databases end.
     */
    void restore(Connection maintenance, int major) throws SQLException {
        try (Statement statement = maintenance.createStatement()) {
            List<String> databases = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT datname FROM pg_database WHERE NOT datistemplate"
                    + " AND datname NOT LIKE '" + PREFIX.replace("_", "\\_") + "%' ORDER BY datname")) {
                while (rows.next()) {
                    databases.add(rows.getString(1));
                }
            }
            for (String database : databases) {
                drop(statement, database, major);
            }
            for (Map.Entry<String, Copy> declared : copies.entrySet()) {
                createFrom(statement, declared.getKey(), declared.getValue().copy(), declared.getValue().owner(), major);
            }
            List<String> extraRoles = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_'")) {
                while (rows.next()) {
                    if (!roles.contains(rows.getString(1))) {
                        extraRoles.add(rows.getString(1));
                    }
                }
            }
            for (String role : extraRoles) {
                // what it may still own outside the dropped databases (in template1, its connection here)
                statement.execute("DROP OWNED BY " + identifier(role));
                statement.execute("DROP ROLE " + identifier(role));
            }
        }
    }

    /** A copy left by an earlier take (a cluster reused from another run, or booted again). */
    private static void dropCopies(Statement statement) throws SQLException {
        List<String> old = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '"
                + PREFIX.replace("_", "\\_") + "%'")) {
            while (rows.next()) {
                old.add(rows.getString(1));
            }
        }
        for (String copy : old) {
            statement.execute("ALTER DATABASE " + identifier(copy) + " IS_TEMPLATE false");
            statement.execute("DROP DATABASE " + identifier(copy));
        }
    }

    /**
     * No session may stay: none may connect from now on, the others are ended (DROP DATABASE ...
     * WITH (FORCE) and PostgreSQL's own wait for other sessions poll every 100 ms, this every 1 ms).
     */
    private static void drop(Statement statement, String database, int major) throws SQLException {
        String name = identifier(database);
        statement.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
        endSessions(statement, database);
        statement.execute("DROP DATABASE " + name + (major >= 13 ? " WITH (FORCE)" : ""));
    }

    /**
     * Ends every other session in the database (a test's pool, a standby's slot sync worker) and
     * returns once their backends are gone, or after 30 s: the statement that needs them gone says
     * then who is still there.
     */
    private static void endSessions(Statement statement, String database) throws SQLException {
        String others = "FROM pg_stat_activity WHERE datname = " + Sql.literal(database) + " AND pid <> pg_backend_pid()";
        statement.execute("SELECT count(pg_terminate_backend(pid)) " + others);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() - deadline < 0) {
            try (ResultSet rows = statement.executeQuery("SELECT count(*) " + others)) {
                rows.next();
                if (rows.getLong(1) == 0) {
                    return;
                }
            }
            pause();
        }
    }

    /** A session that ended a moment ago may still count as "accessing" the source: tried again, briefly. */
    private static void createFrom(Statement statement, String database, String template, String owner, int major)
            throws SQLException {
        String sql = "CREATE DATABASE " + identifier(database) + " TEMPLATE " + identifier(template)
                + (owner == null ? "" : " OWNER " + identifier(owner))
                + (major >= 15 ? " STRATEGY " + STRATEGY : "");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                statement.execute(sql);
                return;
            } catch (SQLException sourceInUse) {
                if (!"55006".equals(sourceInUse.getSQLState()) || System.nanoTime() - deadline > 0) {
                    throw sourceInUse;
                }
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                        + Sql.literal(template) + " AND pid <> pg_backend_pid()");
                pause();
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
