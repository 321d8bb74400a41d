package dev.hotstandby.engine;

import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ServerSettings;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The server parameters of one PostgreSQL major, by name with their {@code pg_settings.context}, so
 * that a setting's name is checked before anything runs: an unknown name fails with the nearest names
 * ("did you mean work_mem?"), and {@link #context} says whether a change needs a reload or a restart.
 *
 * <p>Two sources: {@code postgres --describe-config} of a build of binaries ({@link #parseDescribeConfig},
 * the local backend, before any server starts), or a running server's {@code pg_settings}
 * ({@link #fromServer}, where the binaries are not on this machine). {@code --describe-config} lists
 * only what postgresql.conf.sample lists; the settable parameters it leaves out (developer options,
 * {@code application_name}, {@code transaction_*}; 11 to 18) are added from {@link #NOT_IN_SAMPLE}.
 * Names with a dot ({@code pg_stat_statements.max}) belong to extensions, whose parameters exist only
 * once a library defines them, and are never reported unknown.
 *
 * <p>To validate a whole set of names before a cluster starts: {@link #requireSettable}.
 */
public final class ParameterCatalog {
    /** Settable parameters that postgresql.conf.sample (and so --describe-config) leaves out, with their context. */
    static final Map<String, String> NOT_IN_SAMPLE = Map.ofEntries(
            Map.entry("allow_in_place_tablespaces", "superuser"), Map.entry("allow_system_table_mods", "superuser"),
            Map.entry("application_name", "user"), Map.entry("backtrace_functions", "superuser"),
            Map.entry("debug_discard_caches", "superuser"), Map.entry("debug_io_direct", "postmaster"),
            Map.entry("debug_logical_replication_streaming", "user"), Map.entry("debug_parallel_query", "user"),
            Map.entry("force_parallel_mode", "user"), Map.entry("ignore_checksum_failure", "superuser"),
            Map.entry("ignore_invalid_pages", "postmaster"), Map.entry("ignore_system_indexes", "backend"),
            Map.entry("jit_debugging_support", "superuser-backend"), Map.entry("jit_dump_bitcode", "superuser"),
            Map.entry("jit_expressions", "user"), Map.entry("jit_profiling_support", "superuser-backend"),
            Map.entry("jit_tuple_deforming", "user"), Map.entry("post_auth_delay", "backend"),
            Map.entry("pre_auth_delay", "sighup"), Map.entry("remove_temp_files_after_crash", "sighup"),
            Map.entry("restrict_nonsystem_relation_kind", "user"), Map.entry("send_abort_for_crash", "sighup"),
            Map.entry("send_abort_for_kill", "sighup"), Map.entry("trace_connection_negotiation", "postmaster"),
            Map.entry("trace_notify", "user"), Map.entry("trace_recovery_messages", "sighup"),
            Map.entry("trace_sort", "user"), Map.entry("transaction_deferrable", "user"),
            Map.entry("transaction_isolation", "user"), Map.entry("transaction_read_only", "user"),
            Map.entry("wal_consistency_checking", "superuser"), Map.entry("zero_damaged_pages", "superuser"));

    /** Read-only parameters ({@code internal}: fixed when PostgreSQL was built or initdb ran), also left out of the sample; 11 to 18. */
    static final List<String> PRESET = List.of("block_size", "data_checksums", "data_directory_mode", "debug_assertions",
            "huge_pages_status", "in_hot_standby", "integer_datetimes", "lc_collate", "lc_ctype", "max_function_args",
            "max_identifier_length", "max_index_keys", "num_os_semaphores", "segment_size", "server_encoding",
            "server_version", "server_version_num", "shared_memory_size", "shared_memory_size_in_huge_pages",
            "ssl_library", "wal_block_size", "wal_segment_size");

    /** What hotstandby sets on every node itself, and what controls each instead. */

    /** Lower-cased name → its context; sorted, so suggestions come in a stable order. */
    private final Map<String, String> contexts;
    /** Lower-cased name → the name as PostgreSQL spells it ({@code DateStyle}). */
    private final Map<String, String> spellings;
    /** For messages: "PostgreSQL 15 (postgres --describe-config of /usr/lib/postgresql/15/bin)". */
    private final String source;

    private ParameterCatalog(Map<String, String> contexts, String source) {
        this.contexts = new TreeMap<>();
        this.spellings = new TreeMap<>();
        contexts.forEach((name, context) -> {
            this.contexts.put(name.toLowerCase(Locale.ROOT), context);
            this.spellings.put(name.toLowerCase(Locale.ROOT), name);
        });
        this.source = source;
    }

    /** Names and their contexts, as they are. */
    public static ParameterCatalog of(Map<String, String> contexts, String source) {
        return new ParameterCatalog(contexts, source);
    }

    /**
     * The output of {@code postgres --describe-config}: one parameter a line, tab-separated name,
     * context, group, type, default, min, max, descriptions; plus {@link #NOT_IN_SAMPLE}.
     */
    public static ParameterCatalog parseDescribeConfig(String output, String source) {
        Map<String, String> contexts = new LinkedHashMap<>(NOT_IN_SAMPLE);
        PRESET.forEach(name -> contexts.put(name, "internal"));
        for (String line : output.split("\n")) {
            String[] fields = line.split("\t", -1);
            if (fields.length >= 4 && !fields[0].isBlank()) {
                contexts.put(fields[0].trim(), fields[1].trim());
            }
        }
        if (contexts.size() == NOT_IN_SAMPLE.size() + PRESET.size()) {
            throw new IllegalStateException("postgres --describe-config of " + source + " listed no parameters: "
                    + output.lines().limit(5).toList());
        }
        return new ParameterCatalog(contexts, source);
    }

    /**
     * Every name as PostgreSQL spells it with its context, one {@code name<TAB>context} a line: what
     * {@link #parseLines} reads back, so a catalog can be kept where a backend finds it again (an image label).
     */
    public String lines() {
        StringBuilder text = new StringBuilder();
        contexts.forEach((key, context) -> text.append(spellings.get(key)).append('\t').append(context).append('\n'));
        return text.toString();
    }

    /** What {@link #lines()} wrote, or a server's pg_settings read as such lines. */
    public static ParameterCatalog parseLines(String lines, String source) {
        Map<String, String> contexts = new LinkedHashMap<>();
        for (String line : lines.split("\n")) {
            String[] fields = line.split("\t", -1);
            if (fields.length == 2 && !fields[0].isBlank()) {
                contexts.put(fields[0], fields[1]);
            }
        }
        return new ParameterCatalog(contexts, source);
    }

    /** A running server's {@code pg_settings}: every parameter it has, with the extensions it loaded. */
    public static ParameterCatalog fromServer(BackendNode node, int major) {
        String rows;
        try {
            rows = node.query("SELECT string_agg(name || '\t' || context, E'\\n') FROM pg_settings");
        } catch (SQLException e) {
            throw new IllegalStateException(node.name() + ": cannot read pg_settings: " + e.getMessage(), e);
        }
        return parseLines(rows == null ? "" : rows, "PostgreSQL " + major + " (pg_settings of " + node.name() + ")");
    }

    /**
     * Why {@code name} is not a parameter here, with the nearest names ("did you mean"), or empty when it is
     * one (or has a dot: an extension's, unknown until its library loads).
     */
    public Optional<String> unknown(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (contexts.containsKey(key) || key.contains(".")) {
            return Optional.empty();
        }
        List<String> near = nearest(key);
        return Optional.of("\"" + name + "\" is not a parameter of " + source
                + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near.stream().map(n -> "\"" + n + "\"").toList()) + "?"));
    }

    /** {@code pg_settings.context}: internal, postmaster, sighup, superuser-backend, backend, superuser or user. */
    public Optional<String> context(String name) {
        return Optional.ofNullable(contexts.get(name.trim().toLowerCase(Locale.ROOT)));
    }

    /** Why {@code name} cannot be set at all ({@code internal}), or empty. */
    public Optional<String> readOnly(String name) {
        return context(name).filter("internal"::equals).map(internal -> spellings.get(name.trim().toLowerCase(Locale.ROOT))
                + " is read-only (context internal: fixed when PostgreSQL was built or initdb ran)");
    }

    /** True for a change the server takes only at its next start. */
    public static boolean needsRestart(String context) {
        return "postmaster".equals(context);
    }

    /**
     * What hotstandby itself sets on each node for {@code name}, and what controls it instead (a
     * builder option, the backend, the topology); empty for a parameter a test may set.
     */
    public static Optional<String> libraryOwned(String name) {
        return ServerSettings.controlledBy(name).map(why -> name.trim() + " is hotstandby's own: " + why);
    }

    /**
     * The hook for validating a whole set of names before a cluster starts (annotation or builder
     * settings): every unknown or library-owned name in one {@link ClusterConfigurationException}, each
     * with its "did you mean" or what controls it, prefixed by {@code owner} ("@PostgresStandbyCluster on [OrdersIT]").
     */
    public void requireSettable(Collection<String> names, String owner) {
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            libraryOwned(name).or(() -> unknown(name)).or(() -> readOnly(name)).ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            throw new ClusterConfigurationException(owner + ": " + String.join("; ", problems));
        }
    }

    /** Where no catalog is at hand before start (binaries on another machine): the library-owned check alone. */
    public static void requireNotLibraryOwned(Collection<String> names, String owner) {
        List<String> problems = names.stream().map(ParameterCatalog::libraryOwned).flatMap(Optional::stream).toList();
        if (!problems.isEmpty()) {
            throw new ClusterConfigurationException(owner + ": " + String.join("; ", problems));
        }
    }

    /** Names within two edits, nearest first; else names that one is a prefix of the other; at most three. */
    private List<String> nearest(String key) {
        record Candidate(String name, int distance) {
        }
        List<Candidate> close = new ArrayList<>();
        for (String known : contexts.keySet()) {
            int distance = levenshtein(key, known, 2);
            if (distance <= 2) {
                close.add(new Candidate(known, distance));
            }
        }
        if (close.isEmpty() && key.length() >= 4) {
            for (String known : contexts.keySet()) {
                if (known.startsWith(key) || key.startsWith(known)) {
                    close.add(new Candidate(known, Math.abs(known.length() - key.length())));
                }
            }
        }
        return close.stream().sorted(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::name))
                .limit(3).map(candidate -> spellings.get(candidate.name())).toList();
    }

    /** The edit distance, or {@code limit + 1} as soon as it must exceed {@code limit}. */
    static int levenshtein(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) {
            return limit + 1;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.min(rowMin, current[j]);
            }
            if (rowMin > limit) {
                return limit + 1;
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
