package dev.hotstandby.cli;

import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresMajor;
import dev.hotstandby.ServerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line, parsed and validated completely before anything is started, so a typo never
 * leaves a half-started cluster behind.
 *
 * @param version a PostgreSQL major such as "17", an exact binaries version such as "16.15.0", or "" for
 *                {@link PostgresMajor#DEFAULT}
 * @param exitAfterVerification stop the cluster once verified instead of staying up
 * @param settings        {@code --set name=value}, in order: on every node
 * @param standbySettings {@code --standby-set name=value}, in order: on standbys only
 * @param database        {@code --database}, or null for the default
 * @param username        {@code --username}, or null for the default
 * @param password        {@code --password}, or null for one generated per cluster
 * @param initScripts     {@code --init-script PATH}, in order: files, or classpath resources with {@code classpath:}
 */
record CliOptions(int standbys, String version, boolean exitAfterVerification, boolean help,
                  List<Map.Entry<String, String>> settings, List<Map.Entry<String, String>> standbySettings,
                  String database, String username, String password, List<String> initScripts) {

    /** Without server settings or application options. */
    CliOptions(int standbys, String version, boolean exitAfterVerification, boolean help) {
        this(standbys, version, exitAfterVerification, help, List.of(), List.of(), null, null, null, List.of());
    }

    static final String USAGE = """
            usage: hotstandby [--standbys N] [--version MAJOR] [--set NAME=VALUE]... [--standby-set NAME=VALUE]...
                              [--database NAME] [--username NAME] [--password PASSWORD] [--init-script PATH]...
                              [--exit] [--help]
              --standbys N              number of hot standbys, 0 to %d (default 1)
              --version MAJOR           PostgreSQL major, %d to %d (default %d), or exact binaries such as 16.15.0
              --set NAME=VALUE          a server setting on every node, in postgresql.conf syntax; repeatable
              --standby-set NAME=VALUE  a server setting on the standbys only; repeatable
              --database NAME           the database the printed URLs use, created if absent (default postgres)
              --username NAME           the role the printed URLs use, created as its owner (default postgres)
              --password PASSWORD       that role's and the superuser's password (default: generated per run)
              --init-script PATH        an SQL file run on the primary after the start; repeatable
              --exit                    stop the cluster after the verification instead of staying up
              --help                    print this help
            """.formatted(ClusterSpec.MAX_STANDBYS, PostgresMajor.OLDEST, PostgresMajor.NEWEST, PostgresMajor.DEFAULT);

    /** A command line that cannot work; the message names the option and how to fix it. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super("hotstandby: " + message);
        }
    }

    static CliOptions parse(String... args) throws UsageException {
        int standbys = 1;
        String version = "";
        boolean exit = false;
        boolean help = false;
        List<Map.Entry<String, String>> settings = new ArrayList<>();
        List<Map.Entry<String, String>> standbySettings = new ArrayList<>();
        String database = null;
        String username = null;
        String password = null;
        List<String> initScripts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            // Accept both "--standbys 2" and "--standbys=2", as most command-line tools do.
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String inlineValue = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
            switch (name) {
                case "--standbys" -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, "--standbys", "2");
                    standbys = parseStandbys(value);
                }
                case "--version" -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, "--version", "17");
                    version = parseVersion(value);
                }
                case "--set", "--standby-set" -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, name, "wal_level=logical");
                    (name.equals("--set") ? settings : standbySettings).addAll(setting(name, value));
                }
                case "--database" -> database = inlineValue != null ? inlineValue : valueAfter(args, i++, name, "orders");
                case "--username" -> username = inlineValue != null ? inlineValue : valueAfter(args, i++, name, "app");
                case "--password" -> password = inlineValue != null ? inlineValue : valueAfter(args, i++, name, "test-secret");
                case "--init-script" -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, name, "schema.sql");
                    initScripts.add(value.startsWith("classpath:") ? value.substring("classpath:".length()) : "file:" + value);
                }
                case "--exit" -> exit = flag(name, inlineValue);
                case "--help", "-h" -> help = flag(name, inlineValue);
                default -> throw new UsageException("unknown option \"" + arg
                        + "\"; the options are --standbys N, --version MAJOR, --set NAME=VALUE, --standby-set NAME=VALUE,"
                        + " --database NAME, --username NAME, --password PASSWORD, --init-script PATH, --exit and --help");
            }
        }
        return new CliOptions(standbys, version, exit, help, List.copyOf(settings), List.copyOf(standbySettings),
                database, username, password, List.copyOf(initScripts));
    }

    private static String valueAfter(String[] args, int optionIndex, String option, String example)
            throws UsageException {
        if (optionIndex + 1 >= args.length || args[optionIndex + 1].startsWith("--")) {
            throw new UsageException(option + " needs a value, e.g. " + option + " " + example);
        }
        return args[optionIndex + 1];
    }

    /** The engine's own parsing, so the CLI and the annotation accept exactly the same entries. */
    private static List<Map.Entry<String, String>> setting(String option, String value) throws UsageException {
        try {
            return ServerSettings.parse(option, value);
        } catch (ClusterConfigurationException invalid) {
            throw new UsageException(invalid.getMessage());
        }
    }

    private static boolean flag(String option, String inlineValue) throws UsageException {
        if (inlineValue != null) {
            throw new UsageException(option + " takes no value; write just " + option);
        }
        return true;
    }

    private static int parseStandbys(String value) throws UsageException {
        String problem = "--standbys must be a number from 0 to " + ClusterSpec.MAX_STANDBYS
                + " but was \"" + value + "\"";
        int standbys;
        try {
            standbys = Integer.parseInt(value.trim());
        } catch (NumberFormatException notANumber) {
            throw new UsageException(problem);
        }
        if (standbys < 0 || standbys > ClusterSpec.MAX_STANDBYS) {
            throw new UsageException(problem);
        }
        return standbys;
    }

    /** Reuses the engine's rule, so the CLI and the builder accept exactly the same majors. */
    private static String parseVersion(String value) throws UsageException {
        try {
            PostgresMajor.parse(value, "--version", "leave --version out for " + PostgresMajor.DEFAULT);
            return value.trim();
        } catch (ClusterConfigurationException invalid) {
            throw new UsageException(invalid.getMessage());
        }
    }
}
