package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Changing a server parameter on a running node, for every backend: {@code ALTER SYSTEM SET} (or
 * {@code RESET}), then a reload where the parameter's {@code pg_settings.context} allows it, or a
 * restart (stop and start) for a {@code postmaster} parameter. Returns once the node shows the change:
 *
 * <ul>
 *   <li>after a reload, once the engine's own session has re-read the files ({@code pg_conf_load_time()}
 *       moved, which a session does only after the postmaster has), then: {@code pg_settings} shows the
 *       value as PostgreSQL normalises it ({@link SettingValues}), or after a reset no longer takes it
 *       from postgresql.auto.conf. A {@code backend} parameter changes only for new sessions, so for it
 *       {@code pg_file_settings} must show postgresql.auto.conf's line (or none, after a reset) without an error;</li>
 *   <li>after a restart, {@code pg_settings} shows it with {@code pending_restart} false;</li>
 *   <li>then a standby that streamed before streams again, and after a restart so do the followers
 *       that streamed from the node ({@link StartContract#awaitStreaming}).</li>
 * </ul>
 *
 * Names are checked first: the parameters hotstandby sets itself are refused with what controls them
 * ({@link ParameterCatalog#libraryOwned}); then the node's own pg_settings row decides (context, type,
 * unit); a name it lacks is refused with the nearest names of the backend's {@link ParameterCatalog}
 * (the binaries' {@code --describe-config} on the local backend, else the server's pg_settings), a
 * read-only ({@code internal}) one as such. The value is checked by the server ({@code ALTER SYSTEM} refuses an
 * invalid one). Should a restarted server not start with a value it accepted (a library that is not
 * there), its previous postgresql.auto.conf is written back and it starts as before, where the backend
 * keeps a stopped node's data (local processes; a container ends with its server). Settings made this
 * way live in the node's postgresql.auto.conf: a re-seeded rejoin takes the primary's file instead.
 */
final class RuntimeSettings {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");
    private static final String AUTO_CONF = "postgresql.auto.conf";
    private static final String SEPARATOR = "\u001f";

    private final ClusterSpec spec;
    private final BackendCluster backend;
    private final Topology topology;
    private final StartContract contract;

    RuntimeSettings(ClusterSpec spec, BackendCluster backend, Topology topology, StartContract contract) {
        this.spec = spec;
        this.backend = backend;
        this.topology = topology;
        this.contract = contract;
    }

    /** True when the node was restarted for it. */
    boolean set(BackendNode node, String name, String value) {
        String operation = "set(" + node.name() + ", " + name + ")";
        if (value == null) {
            throw new IllegalArgumentException(operation + ": the value must not be null; reset() removes a setting");
        }
        Parameter parameter = checked(node, name, operation);
        Streaming before = Streaming.of(node, topology);
        // what to go back to should the server not start with the new value (a library that is not there)
        String previous = parameter.needsRestart() ? Sql.single(node, "SELECT pg_read_file(" + Sql.literal(AUTO_CONF) + ")") : null;
        alter(node, "ALTER SYSTEM SET " + parameter.name() + " = " + Sql.literal(value), operation);
        String what = "set " + parameter.name() + " = '" + value + "'";
        if (parameter.needsRestart()) {
            if (!parameter.shows(value)) {
                return restart(node, parameter, value, before, what, previous);
            }
            // a reload clears a pending_restart an earlier, different value may have left
            Sql.reload(node);
            NodeLog.of(node.name()).info(what + ": already in effect, no restart needed");
            return false;
        }
        reload(node, parameter, what);
        if (parameter.placeholder()) {
            Waits.until(node.name() + " shows " + parameter.name() + " = '" + value + "'", spec.startTimeout(),
                    () -> value.equals(node.query("SELECT current_setting(" + Sql.literal(parameter.name()) + ", true)")),
                    () -> state(node, parameter.name()), IllegalStateException::new);
        } else if (parameter.perSession()) {
            awaitFile(node, parameter, true);
        } else {
            awaitValue(node, parameter, value);
        }
        awaitStreaming(node, before, false);
        return false;
    }

    /** True when the node was restarted for it. */
    boolean reset(BackendNode node, String name) {
        String operation = "reset(" + node.name() + ", " + name + ")";
        Parameter parameter = checked(node, name, operation);
        Streaming before = Streaming.of(node, topology);
        boolean wasSet = inAutoConf(node, parameter.name());
        alter(node, "ALTER SYSTEM RESET " + parameter.name(), operation);
        if (!wasSet) {
            NodeLog.of(node.name()).info("reset " + parameter.name() + ": not set by ALTER SYSTEM, nothing to do");
            return false;
        }
        if (parameter.needsRestart()) {
            return restart(node, parameter, null, before, "reset " + parameter.name(), null);
        }
        reload(node, parameter, "reset " + parameter.name());
        if (parameter.perSession() || parameter.placeholder()) {
            awaitFile(node, parameter, false);
        } else {
            awaitNotFromAutoConf(node, parameter);
        }
        awaitStreaming(node, before, false);
        return false;
    }

    private Parameter checked(BackendNode node, String name, String operation) {
        if (name == null || !NAME.matcher(name.trim()).matches()) {
            throw new IllegalArgumentException(operation + ": not a parameter name");
        }
        ParameterCatalog.libraryOwned(name).ifPresent(owned -> {
            throw new IllegalArgumentException(operation + ": " + owned + "; set() does not change it");
        });
        // the server has the last word (its row gives the context, the type and the unit); the catalog names the near misses
        Optional<Parameter> parameter = Parameter.read(node, name.trim());
        if (parameter.isEmpty()) {
            ParameterCatalog catalog = backend.parameterCatalog().orElseGet(() -> ParameterCatalog.fromServer(node, spec.major()));
            catalog.unknown(name).ifPresent(unknown -> {
                throw new IllegalArgumentException(operation + ": " + unknown);
            });
            if (name.contains(".")) {
                // an extension's parameter its library has not defined (yet): PostgreSQL keeps it as a placeholder
                return new Parameter(name.trim(), "user", "string", "", "", "", false, "", true);
            }
            throw new IllegalArgumentException(operation + ": \"" + name + "\" is not a parameter of " + node.name()
                    + "'s server (PostgreSQL " + spec.major() + ")");
        }
        if ("internal".equals(parameter.get().context())) {
            throw new IllegalArgumentException(operation + ": " + parameter.get().name()
                    + " is read-only (context internal: fixed when PostgreSQL was built or initdb ran)");
        }
        return parameter.get();
    }

    private static void alter(BackendNode node, String statement, String operation) {
        try {
            node.query(statement);
        } catch (SQLException refused) {
            throw new IllegalArgumentException(operation + ": " + node.name() + " refused " + statement + ": "
                    + refused.getMessage(), refused);
        }
    }

    private static boolean inAutoConf(BackendNode node, String name) {
        return !"0".equals(Sql.single(node, "SELECT count(*) FROM pg_file_settings WHERE lower(name) = lower("
                + Sql.literal(name) + ") AND sourcefile LIKE " + Sql.literal("%" + AUTO_CONF)));
    }

    private void reload(BackendNode node, Parameter parameter, String what) {
        String loaded = Sql.single(node, "SELECT pg_conf_load_time()::text");
        Sql.reload(node);
        NodeLog.of(node.name()).info(what + ": reloaded (" + parameter.name() + " is a " + parameter.context() + " parameter)");
        // this session re-reads the files only after the postmaster has: new sessions see them then too
        Waits.until(node.name() + " reloads its configuration files", spec.startTimeout(),
                () -> "t".equals(node.query("SELECT pg_conf_load_time() > " + Sql.literal(loaded) + "::timestamptz")),
                () -> "pg_conf_load_time() is still " + loaded, IllegalStateException::new);
    }

    private boolean restart(BackendNode node, Parameter parameter, String value, Streaming before, String what, String previous) {
        NodeLog.of(node.name()).info(what + ": restarting (" + parameter.name() + " is a postmaster parameter)");
        node.stopServer();
        try {
            node.startServer(spec.startTimeout());
        } catch (RuntimeException refused) {
            if (previous == null) {
                throw refused;
            }
            try {
                node.writeDataFile(AUTO_CONF, previous);
                NodeLog.of(node.name()).warn(what + ": the server did not start with it; its " + AUTO_CONF
                        + " is restored and it starts as before");
                node.startServer(spec.startTimeout());
            } catch (RuntimeException lost) {
                // a container ends with its server, and its data with it
                refused.addSuppressed(lost);
                throw new IllegalStateException("set(" + node.name() + ", " + parameter.name() + "): " + node.name()
                        + " did not start with " + parameter.name() + " = '" + value + "' and could not be brought back ("
                        + lost.getMessage() + "); " + refused.getMessage(), refused);
            }
            awaitStreaming(node, before, true);
            throw new IllegalArgumentException("set(" + node.name() + ", " + parameter.name() + "): " + node.name() + " did not start with " + parameter.name() + " = '" + value + "', so its " + AUTO_CONF
                    + " was restored and it runs as before; " + refused.getMessage(), refused);
        }
        if (value == null) {
            awaitNotFromAutoConf(node, parameter);
        } else {
            awaitValue(node, parameter, value);
        }
        awaitStreaming(node, before, true);
        return true;
    }

    private void awaitValue(BackendNode node, Parameter parameter, String value) {
        Waits.until(node.name() + " shows " + parameter.name() + " = '" + value + "' in pg_settings", spec.startTimeout(),
                () -> Parameter.read(node, parameter.name()).map(now -> !now.pendingRestart() && now.shows(value)).orElse(false),
                () -> state(node, parameter.name()), IllegalStateException::new);
    }

    private void awaitNotFromAutoConf(BackendNode node, Parameter parameter) {
        Waits.until(node.name() + " no longer takes " + parameter.name() + " from " + AUTO_CONF, spec.startTimeout(),
                () -> Parameter.read(node, parameter.name())
                        .map(now -> !now.pendingRestart() && !now.sourcefile().endsWith(AUTO_CONF)).orElse(true),
                () -> state(node, parameter.name()), IllegalStateException::new);
    }

    /** A backend parameter changes for new sessions only: the file as the server reads it has it (or not), without an error. */
    private void awaitFile(BackendNode node, Parameter parameter, boolean present) {
        String lines = "FROM pg_file_settings WHERE lower(name) = lower(" + Sql.literal(parameter.name())
                + ") AND sourcefile LIKE " + Sql.literal("%" + AUTO_CONF);
        Waits.until(node.name() + "'s " + AUTO_CONF + (present ? " sets " : " no longer sets ") + parameter.name()
                        + " for new sessions", spec.startTimeout(),
                () -> present ? "1".equals(node.query("SELECT count(*) " + lines + " AND error IS NULL"))
                        : "0".equals(node.query("SELECT count(*) " + lines)),
                () -> state(node, parameter.name()), IllegalStateException::new);
    }

    private void awaitStreaming(BackendNode node, Streaming before, boolean restarted) {
        if (before.standbyStreamed() && topology.isStandby(node)) {
            contract.awaitStreaming(node, spec.startTimeout());
        }
        if (restarted) {
            for (BackendNode follower : topology.followersOf(node)) {
                if (before.followers().contains(follower.name())) {
                    contract.awaitStreaming(follower, spec.startTimeout());
                }
            }
        }
    }

    private static String state(BackendNode node, String name) {
        String literal = Sql.literal(name);
        return "pg_settings: " + Sql.single(node, "SELECT coalesce(string_agg(name || ' = ' || setting || coalesce(' ' || unit, '')"
                + " || ' (' || current_setting(name) || ') pending_restart ' || pending_restart || ' from '"
                + " || coalesce(sourcefile, source), '; '), 'no row') FROM pg_settings WHERE lower(name) = lower(" + literal + ")")
                + "; pg_file_settings: " + Sql.single(node, "SELECT coalesce(string_agg(sourcefile || ':' || sourceline || ' '"
                + " || coalesce(setting, '') || coalesce(' error: ' || error, ''), '; '), 'no line') FROM pg_file_settings"
                + " WHERE lower(name) = lower(" + literal + ")");
    }

    /** Who streamed before a change: the node itself (a standby's WAL receiver), and who from it. */
    private record Streaming(boolean standbyStreamed, List<String> followers) {
        static Streaming of(BackendNode node, Topology topology) {
            boolean streamed = topology.isStandby(node)
                    && "streaming".equals(Sql.single(node, "SELECT status FROM pg_stat_wal_receiver"));
            String names = Sql.single(node, "SELECT string_agg(application_name, ',') FROM pg_stat_replication WHERE state = 'streaming'");
            return new Streaming(streamed, names == null ? List.of() : Arrays.asList(names.split(",")));
        }
    }

    /** One pg_settings row, as this session sees it. */
    private record Parameter(String name, String context, String vartype, String unit, String setting, String shown,
                             boolean pendingRestart, String sourcefile, boolean placeholder) {
        static Optional<Parameter> read(BackendNode node, String name) throws IllegalStateException {
            String row = Sql.single(node, "SELECT concat_ws(" + Sql.literal(SEPARATOR) + ", name, context, vartype,"
                    + " coalesce(unit, ''), coalesce(setting, ''), coalesce(current_setting(name), ''), pending_restart::text,"
                    + " coalesce(sourcefile, '')) FROM pg_settings WHERE lower(name) = lower(" + Sql.literal(name) + ")");
            if (row == null) {
                return Optional.empty();
            }
            String[] f = row.split(SEPARATOR, -1);
            return Optional.of(new Parameter(f[0], f[1], f[2], f[3], f[4], f[5], "true".equals(f[6]), f[7], false));
        }

        boolean needsRestart() {
            return ParameterCatalog.needsRestart(context);
        }

        /** A backend parameter is fixed for a session's life: only new sessions see a change. */
        boolean perSession() {
            return context.endsWith("backend");
        }

        boolean shows(String value) {
            return SettingValues.matches(vartype, unit, setting, shown, value);
        }
    }
}
