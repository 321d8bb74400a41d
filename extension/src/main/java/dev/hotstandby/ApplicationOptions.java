package dev.hotstandby;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the application under test sees: the database and role its handles connect to, and the SQL
 * scripts that prepare it once the cluster runs.
 *
 * @param database    created on the primary if absent; {@code PostgresNode.dataSource()} and {@code jdbcUrl()} use it
 * @param username    the role those handles connect as, with the cluster's generated password; other than
 *                    {@value #SUPERUSER}, it is created as a login role (not a superuser) owning {@code database}
 * @param initScripts run in order on the primary, in {@code database} as {@code username}, after the start; each a
 *                    classpath resource ({@code "schema.sql"}, {@code "db/orders.sql"}) or a path after {@code file:}
 * @param clientFaults every handle given out ({@code jdbcUrl()}, {@code dataSource()}, injection,
 *                    {@code multiHostJdbcUrl()}) reaches its node through a relay of the test JVM, which
 *                    {@code cutClients}, {@code restoreClients} and {@code delayClients} act on
 * @param password    the password of {@code username} and of the superuser, or null for one generated per cluster
 *                    (the default: then no password outlives its cluster); fixed, for harnesses that need known
 *                    credentials, such as pgjdbc's own tests
 */
public record ApplicationOptions(String database, String username, List<String> initScripts, boolean clientFaults,
                                 String password) {

    public static final String SUPERUSER = "postgres";
    public static final String DEFAULT_DATABASE = "postgres";
    public static final ApplicationOptions DEFAULTS = new ApplicationOptions(DEFAULT_DATABASE, SUPERUSER, List.of(), false);

    /** Printable ASCII without space, quotes or backslash: it goes into conninfo strings and psql lines unquoted. */
    private static final Pattern PASSWORD = Pattern.compile("[!#-&(-\\[\\]-~]{1,100}");

    /** An unquoted SQL identifier as PostgreSQL folds it: lower case, at most 63 bytes. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

    public ApplicationOptions {
        database = database == null ? DEFAULT_DATABASE : database.trim();
        username = username == null ? SUPERUSER : username.trim();
        initScripts = initScripts == null ? List.of() : List.copyOf(initScripts.stream().map(String::trim).toList());
    }

    /** With a password generated per cluster. */
    public ApplicationOptions(String database, String username, List<String> initScripts, boolean clientFaults) {
        this(database, username, initScripts, clientFaults, null);
    }

    /** Without client faults: the handles reach the nodes directly. */
    public ApplicationOptions(String database, String username, List<String> initScripts) {
        this(database, username, initScripts, false);
    }

    /** The fixed {@link #password()}, or a new one from {@code generated} when there is none. */
    public String passwordOr(java.util.function.Supplier<String> generated) {
        return password != null ? password : generated.get();
    }

    /** The password itself never shows (the value ends up in logs and in the reuse key): only a digest of it. */
    @Override
    public String toString() {
        return "ApplicationOptions[database=" + database + ", username=" + username + ", initScripts=" + initScripts
                + ", clientFaults=" + clientFaults + ", password=" + (password == null ? "generated" : "fixed " + digest(password)) + "]";
    }

    private static String digest(String password) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 8);
        } catch (java.security.NoSuchAlgorithmException absent) {
            throw new IllegalStateException("the JVM has no SHA-256", absent);
        }
    }

    /** Whether {@link #username()} is a role of its own rather than the superuser. */
    public boolean hasApplicationRole() {
        return !username.equals(SUPERUSER);
    }

    /** Validates every value, including that each script can be read, so nothing starts that would fail at the end. */
    void validate(String owner) {
        identifier(owner, "database", database, "orders");
        identifier(owner, "username", username, "app");
        if (username.startsWith("pg_")) {
            throw new ClusterConfigurationException(owner + ": username must not start with pg_ (PostgreSQL reserves"
                    + " those role names) but was \"" + username + "\"");
        }
        if (password != null && !PASSWORD.matcher(password).matches()) {
            throw new ClusterConfigurationException(owner + ": password must be 1 to 100 printable ASCII characters"
                    + " without spaces, quotes or backslashes (it is written into conninfo strings unquoted) but "
                    + (password.isEmpty() ? "was empty" : "has " + password.length() + " characters, one of them not allowed")
                    + "; e.g. password = \"test-secret\", or leave it out for one generated per cluster");
        }
        for (String script : initScripts) {
            if (script.isEmpty() || script.equals("file:")) {
                throw new ClusterConfigurationException(owner + ": initScripts has an empty entry; name a classpath"
                        + " resource (\"schema.sql\") or a file (\"file:src/test/sql/schema.sql\")");
            }
            if (!exists(script)) {
                throw new ClusterConfigurationException(owner + ": initScripts names \"" + script + "\", which "
                        + (isFile(script) ? "is no readable file (resolved to " + Path.of(script.substring(5)).toAbsolutePath() + ")"
                        : "is no classpath resource; put it under src/test/resources, or write \"file:<path>\" for a file"));
            }
        }
    }

    /** The text of one of {@link #initScripts()}. */
    public static String read(String script) {
        try {
            if (isFile(script)) {
                return Files.readString(Path.of(script.substring(5)), StandardCharsets.UTF_8);
            }
            URL resource = resource(script);
            if (resource == null) {
                throw new IllegalStateException("init script " + script + " is no longer on the classpath");
            }
            try (InputStream in = resource.openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read init script " + script + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(String script) {
        return isFile(script) ? Files.isReadable(Path.of(script.substring(5))) && Files.isRegularFile(Path.of(script.substring(5)))
                : resource(script) != null;
    }

    private static boolean isFile(String script) {
        return script.startsWith("file:");
    }

    /** The test's class loader first (where src/test/resources is), then this library's. */
    private static URL resource(String script) {
        String name = script.startsWith("/") ? script.substring(1) : script;
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        URL found = context == null ? null : context.getResource(name);
        return found != null ? found : ApplicationOptions.class.getClassLoader().getResource(name);
    }

    private static void identifier(String owner, String attribute, String value, String example) {
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new ClusterConfigurationException(owner + ": " + attribute + " must be a plain SQL identifier (lower-case"
                    + " letters, digits and underscores, starting with a letter or underscore, at most 63 characters)"
                    + " but was \"" + value + "\"; e.g. " + attribute + " = \"" + example + "\"");
        }
    }
}
