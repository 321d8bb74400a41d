package dev.hotstandby;

/** The PostgreSQL major versions hotstandby can run, and the one it runs when none is named. */
public final class PostgresMajor {
    /** The newest major the embedded binaries serve; what {@code version = ""} means. */
    public static final int DEFAULT = 18;
    /** Oldest supported: 10 brought SCRAM passwords and the {@code pg_*_wal_*} function names. */
    public static final int OLDEST = 10;
    public static final int NEWEST = 18;

    private PostgresMajor() {
    }

    /**
     * Parses a major such as {@code "17"}; {@code ""} means {@link #DEFAULT}.
     *
     * @param source names the setting in the error message, e.g. {@code "@PostgresStandbyCluster on [OrdersIT]: version"}
     */
    public static int parse(String version, String source) {
        String trimmed = version == null ? "" : version.trim();
        if (trimmed.isEmpty()) {
            return DEFAULT;
        }
        int major;
        try {
            major = Integer.parseInt(trimmed);
        } catch (NumberFormatException notANumber) {
            throw new ClusterConfigurationException(source + " must be a PostgreSQL major such as \"" + DEFAULT
                    + "\" (or \"\" for the default) but was \"" + version + "\"");
        }
        if (major < OLDEST || major > NEWEST) {
            throw new ClusterConfigurationException(source + " must be a PostgreSQL major from " + OLDEST + " to "
                    + NEWEST + " but was \"" + version + "\"");
        }
        return major;
    }

    /** Standbys of majors up to 11 are configured with recovery.conf, later ones with standby.signal. */
    public static boolean usesRecoveryConf(int major) {
        return major <= 11;
    }
}
