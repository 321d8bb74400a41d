package dev.hotstandby;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every option of a cluster, described once: the JUnit annotation's mapping, the command line's
 * parser and its usage are made from this list, each entry naming the {@link PostgresCluster.Builder}
 * method it calls. A new option is its builder method, its entry here and, if tests declare it, its
 * attribute of {@code @PostgresStandbyCluster} ({@code ClusterOptionsTest} checks that they agree).
 */
public final class ClusterOptions {
    private ClusterOptions() {
    }

    /** In the order of the command line's usage. */
    public static final List<ClusterOption> ALL = List.of(
            ClusterOption.single("standbys", "N", "number of hot standbys, 0 to " + ClusterSpec.MAX_STANDBYS + " (default 1)",
                    (text, flag) -> integer(text, flag, 0, ClusterSpec.MAX_STANDBYS), PostgresCluster.Builder::standbys),
            ClusterOption.single("version", "MAJOR", "PostgreSQL major, " + PostgresMajor.OLDEST + " to " + PostgresMajor.NEWEST
                    + " (default " + PostgresMajor.DEFAULT + "), or exact binaries such as 16.15.0", ClusterOptions::version,
                    PostgresCluster.Builder::version),
            ClusterOption.single("backend", "NAME", "where the nodes run: " + Backend.allowedValues() + " (default local)",
                    Backend::parse, PostgresCluster.Builder::backend),
            ClusterOption.single("image", "IMAGE", "the containers backend's image (default postgres:MAJOR)",
                    (text, flag) -> text, PostgresCluster.Builder::image),
            ClusterOption.flag("synchronous", "commits return once every standby has applied them",
                    PostgresCluster.Builder::synchronous),
            ClusterOption.single("synchronousCommit", "LEVEL", "with --synchronous, how far a standby takes a commit: "
                    + choices(SynchronousCommit.class) + " (default remote_apply)",
                    (text, flag) -> choice(SynchronousCommit.class, text, flag), PostgresCluster.Builder::synchronousCommit),
            ClusterOption.parsed("quorum", "QUORUM", "with --synchronous, \"FIRST n\" or \"ANY n\" (default all standbys)",
                    Quorum::parse, PostgresCluster.Builder::quorum),
            ClusterOption.single("upstreams", "I,J,...", "cascading: each standby's upstream, a standby index or -1 for the"
                    + " primary", ClusterOptions::indexes, PostgresCluster.Builder::upstreams),
            ClusterOption.flag("archiving", "the primary archives WAL; standbys restore from the archive",
                    PostgresCluster.Builder::archiving),
            ClusterOption.flag("replicationSlots", "each standby streams through a physical slot",
                    PostgresCluster.Builder::replicationSlots),
            ClusterOption.flag("logical", "wal_level = logical; on 17+ failover slots too", PostgresCluster.Builder::logical),
            serverSettings("settings", "--set", "a server setting on every node, in postgresql.conf syntax",
                    PostgresCluster.Builder::setting),
            serverSettings("standbySettings", "--standby-set", "a server setting on the standbys only",
                    PostgresCluster.Builder::standbySetting),
            ClusterOption.single("database", "NAME", "the database the handles use, created if absent (default postgres)",
                    (text, flag) -> text, PostgresCluster.Builder::database),
            ClusterOption.single("username", "NAME", "the role the handles use, created as its owner (default postgres)",
                    (text, flag) -> text, PostgresCluster.Builder::username),
            ClusterOption.single("password", "PASSWORD", "that role's and the superuser's password (default: generated per"
                    + " cluster)", (text, flag) -> text, PostgresCluster.Builder::password).withoutAttribute(),
            ClusterOption.repeatable("initScripts", "PATH", "an SQL file (or classpath:NAME) run on the primary after the start",
                    (builder, values, flag) -> builder.initScripts(values.stream().map(ClusterOptions::scriptLocation)
                            .toArray(String[]::new)),
                    (builder, value, source) -> builder.initScripts((String[]) value)).withFlag("--init-script"),
            ClusterOption.single("startTimeout", "DURATION", "how long the start may take, ISO-8601 (default PT60S)",
                    ClusterOptions::duration, PostgresCluster.Builder::startTimeout).withoutAttribute(),
            ClusterOption.notOnTheCommandLine("clientFaults",
                    (builder, value, source) -> builder.clientFaults((Boolean) value)),
            ClusterOption.notOnTheCommandLine("shared", (builder, value, source) -> builder.shared((Boolean) value)));

    /** Entries {@code name=value}, each given to the builder by {@code set}: from each flag's value, or the attribute's array. */
    private static ClusterOption serverSettings(String name, String flag, String help, SettingCall set) {
        return ClusterOption.repeatable(name, "NAME=VALUE", help,
                (builder, values, given) -> values.forEach(value -> ServerSettings.parse(given, value)
                        .forEach(setting -> set.accept(builder, setting.getKey(), setting.getValue()))),
                (builder, value, source) -> ServerSettings.parse(source, (String[]) value)
                        .forEach(setting -> set.accept(builder, setting.getKey(), setting.getValue()))).withFlag(flag);
    }

    /** A builder method of a setting's name and value. */
    @FunctionalInterface
    private interface SettingCall {
        PostgresCluster.Builder accept(PostgresCluster.Builder builder, String name, String value);
    }

    /** The option named {@code name} (its attribute or builder method). */
    public static java.util.Optional<ClusterOption> named(String name) {
        return ALL.stream().filter(option -> option.name().equals(name)).findFirst();
    }

    private static int integer(String text, String flag, int min, int max) {
        String problem = flag + " must be a number from " + min + " to " + max + " but was \"" + text + "\"";
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // the same message as out of range
        }
        throw new ClusterConfigurationException(problem);
    }

    /** The builder's own rule, checked here so that the message names the flag and how to get the default. */
    private static String version(String text, String flag) {
        PostgresMajor.parse(text, flag, "leave " + flag + " out for " + PostgresMajor.DEFAULT);
        return text.trim();
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String text, String flag) {
        for (E value : type.getEnumConstants()) {
            if (value.name().equalsIgnoreCase(text.trim().replace('-', '_'))) {
                return value;
            }
        }
        throw new ClusterConfigurationException(flag + " must be one of " + choices(type) + " but was \"" + text + "\"");
    }

    private static String choices(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(value -> value.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    private static int[] indexes(String text, String flag) {
        try {
            return Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException notANumber) {
            throw new ClusterConfigurationException(flag + " must be standby indexes or -1, comma-separated, such as"
                    + " -1,0, but was \"" + text + "\"");
        }
    }

    private static Duration duration(String text, String flag) {
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException notADuration) {
            throw new ClusterConfigurationException(flag + " must be an ISO-8601 duration such as PT90S but was \"" + text + "\"");
        }
    }

    /** The command line names files; {@code classpath:} names a resource, as the builder's plain names do. */
    private static String scriptLocation(String path) {
        return path.startsWith("classpath:") ? path.substring("classpath:".length()) : "file:" + path;
    }
}
