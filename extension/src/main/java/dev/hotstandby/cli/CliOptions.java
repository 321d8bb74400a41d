package dev.hotstandby.cli;

import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresMajor;

/**
 * The command line, parsed and validated completely before anything is started, so a typo never
 * leaves a half-started cluster behind.
 *
 * @param version a PostgreSQL major such as "17", or "" for {@link PostgresMajor#DEFAULT}
 * @param exitAfterVerification stop the cluster once verified instead of staying up
 */
record CliOptions(int standbys, String version, boolean exitAfterVerification, boolean help) {

    static final String USAGE = """
            usage: hotstandby [--standbys N] [--version MAJOR] [--exit] [--help]
              --standbys N       number of hot standbys, 0 to %d (default 1)
              --version MAJOR    PostgreSQL major, %d to %d (default %d)
              --exit             stop the cluster after the verification instead of staying up
              --help             print this help
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
                case "--exit" -> exit = flag(name, inlineValue);
                case "--help", "-h" -> help = flag(name, inlineValue);
                default -> throw new UsageException("unknown option \"" + arg
                        + "\"; the options are --standbys N, --version MAJOR, --exit and --help");
            }
        }
        return new CliOptions(standbys, version, exit, help);
    }

    private static String valueAfter(String[] args, int optionIndex, String option, String example)
            throws UsageException {
        if (optionIndex + 1 >= args.length || args[optionIndex + 1].startsWith("--")) {
            throw new UsageException(option + " needs a value, e.g. " + option + " " + example);
        }
        return args[optionIndex + 1];
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
