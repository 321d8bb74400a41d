package dev.hotstandby.cli;

import dev.hotstandby.ClusterOption;
import dev.hotstandby.ClusterOptions;
import dev.hotstandby.PostgresCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The command line: the cluster's options as {@link ClusterOptions} describes them, plus the job's
 * own {@code --exit} and {@code --help}. Parsed and validated completely before anything is started,
 * so a typo never leaves a half-started cluster behind.
 *
 * @param exitAfterVerification stop the cluster once verified instead of staying up
 * @param describe              print the cluster's table ({@code PostgresCluster.describe()}) once verified
 * @param watch                 print it again every second while the cluster stays up
 * @param given                 each cluster option given, with its values in order
 */
record CliOptions(boolean exitAfterVerification, boolean help, boolean describe, boolean watch,
                  Map<ClusterOption, List<String>> given) {
    private static final String EXIT = "--exit";
    private static final String HELP = "--help";
    private static final String DESCRIBE = "--describe";
    private static final String WATCH = "--watch";

    static final String USAGE = usage();

    /** A command line that cannot work; the message names the option and how to fix it. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super("hotstandby: " + message);
        }
    }

    static CliOptions parse(String... args) throws UsageException {
        Map<String, ClusterOption> byFlag = ClusterOptions.ALL.stream().filter(ClusterOption::onCommandLine)
                .collect(Collectors.toMap(ClusterOption::flag, option -> option));
        boolean exit = false;
        boolean help = false;
        boolean describe = false;
        boolean watch = false;
        Map<ClusterOption, List<String>> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            // Accept both "--standbys 2" and "--standbys=2", as most command-line tools do.
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String inlineValue = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
            ClusterOption option = byFlag.get(name);
            if (name.equals(EXIT)) {
                exit = flag(name, inlineValue);
            } else if (name.equals(HELP) || name.equals("-h")) {
                help = flag(name, inlineValue);
            } else if (name.equals(DESCRIBE)) {
                describe = flag(name, inlineValue);
            } else if (name.equals(WATCH)) {
                watch = flag(name, inlineValue);
            } else if (option == null) {
                throw new UsageException("unknown option \"" + arg + "\"; the options are " + String.join(", ",
                        byFlag.values().stream().map(CliOptions::synopsis).sorted().toList()) + ", " + DESCRIBE + ", " + WATCH + ", " + EXIT + " and " + HELP);
            } else if (option.valueName() == null) {
                given.put(option, List.of(String.valueOf(flag(name, inlineValue))));
            } else {
                String value = inlineValue != null ? inlineValue : valueAfter(args, i++, option);
                List<String> values = option.repeatable() ? given.computeIfAbsent(option, key -> new ArrayList<>()) : new ArrayList<>();
                values.add(value);
                given.put(option, values);
            }
        }
        return new CliOptions(exit, help, describe, watch, given);
    }

    /** The builder's calls of every option given; its checks fail with the flag's name. */
    PostgresCluster.Builder applyTo(PostgresCluster.Builder builder) {
        given.forEach((option, values) -> option.applyText(builder, values));
        return builder;
    }

    private static String valueAfter(String[] args, int optionIndex, ClusterOption option) throws UsageException {
        if (optionIndex + 1 >= args.length || args[optionIndex + 1].startsWith("--")) {
            throw new UsageException(option.flag() + " needs a value, e.g. " + option.flag() + " " + example(option));
        }
        return args[optionIndex + 1];
    }

    /** What the message of a missing value suggests. */
    private static String example(ClusterOption option) {
        return switch (option.name()) {
            case "standbys" -> "2";
            case "settings", "standbySettings" -> "wal_level=logical";
            case "password" -> "test-secret";
            case "initScripts" -> "schema.sql";
            default -> option.valueName();
        };
    }

    private static boolean flag(String option, String inlineValue) throws UsageException {
        if (inlineValue != null) {
            throw new UsageException(option + " takes no value; write just " + option);
        }
        return true;
    }

    private static String synopsis(ClusterOption option) {
        return option.valueName() == null ? option.flag() : option.flag() + " " + option.valueName();
    }

    private static String usage() {
        StringBuilder usage = new StringBuilder("usage: hotstandby [OPTION]...\n");
        for (ClusterOption option : ClusterOptions.ALL) {
            if (option.onCommandLine()) {
                line(usage, synopsis(option), option.help() + (option.repeatable() ? "; repeatable" : ""));
            }
        }
        line(usage, DESCRIBE, "print every node's role, state, timeline, LSNs, lag, slots and faults once verified");
        line(usage, WATCH, "print that table again every second while the cluster stays up");
        line(usage, EXIT, "stop the cluster after the verification instead of staying up");
        line(usage, HELP, "print this help");
        return usage.toString();
    }

    private static void line(StringBuilder usage, String synopsis, String help) {
        usage.append(String.format("  %-27s %s%n", synopsis, help));
    }
}
