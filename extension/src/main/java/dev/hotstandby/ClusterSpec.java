package dev.hotstandby;

import java.time.Duration;
import java.util.Properties;

/**
 * What to build: validated, immutable, and free of any backend detail.
 *
 * @param owner names who asked, for messages: {@code "@PostgresStandbyCluster on [OrdersIT]"}
 * @param image the container image of {@link Backend#CONTAINERS}; {@code ""} means the official
 *              {@code postgres:<major>}; other backends ignore it
 * @param hosts the hosts of {@link Backend#SSH}, or null: then the file named by {@value SshHosts#PROPERTY};
 *              other backends ignore it
 * @param settings    the server parameters the test asks for, on every node and on standbys only
 * @param application the database, role and init scripts the test's handles use
 * @param binariesVersion an exact binaries version such as {@code "16.15.0"} pinning the minor the
 *              {@link Backend#LOCAL} backend runs, or {@code ""}: the newest binaries of {@code major}
 */
public record ClusterSpec(String owner, int standbys, int major, Backend backend, ReplicationOptions replication,
                          Duration startTimeout, String image, SshHosts hosts, ServerSettings settings,
                          ApplicationOptions application, String binariesVersion) {

    /** Enough for any reasonable test, and well above what two cores can run side by side. */
    public static final int MAX_STANDBYS = 8;

    public static final String BACKEND_PROPERTY = "hotstandby.backend";
    public static final String VERSION_PROPERTY = "hotstandby.version";
    public static final String IMAGE_PROPERTY = "hotstandby.image";

    /** A spec without an image: the containers backend runs the official {@code postgres:<major>}. */
    public ClusterSpec(String owner, int standbys, int major, Backend backend, ReplicationOptions replication,
                       Duration startTimeout) {
        this(owner, standbys, major, backend, replication, startTimeout, "");
    }

    /** A spec without hosts of its own. */
    public ClusterSpec(String owner, int standbys, int major, Backend backend, ReplicationOptions replication,
                       Duration startTimeout, String image) {
        this(owner, standbys, major, backend, replication, startTimeout, image, null);
    }

    /** A spec of the newest binaries of its major. */
    public ClusterSpec(String owner, int standbys, int major, Backend backend, ReplicationOptions replication,
                       Duration startTimeout, String image, SshHosts hosts, ServerSettings settings,
                       ApplicationOptions application) {
        this(owner, standbys, major, backend, replication, startTimeout, image, hosts, settings, application, "");
    }

    /** A spec with the library's server settings, the {@code postgres} database and superuser, no init scripts. */
    public ClusterSpec(String owner, int standbys, int major, Backend backend, ReplicationOptions replication,
                       Duration startTimeout, String image, SshHosts hosts) {
        this(owner, standbys, major, backend, replication, startTimeout, image, hosts, ServerSettings.NONE,
                ApplicationOptions.DEFAULTS);
    }

    /** The same spec, asked for by someone else: what a shared cluster's next user sees. */
    public ClusterSpec withOwner(String owner) {
        return new ClusterSpec(owner, standbys, major, backend, replication, startTimeout, image, hosts, settings, application,
                binariesVersion);
    }

    /** The same spec on these hosts ({@link Backend#SSH}). */
    public ClusterSpec withHosts(SshHosts hosts) {
        return new ClusterSpec(owner, standbys, major, backend, replication, startTimeout, image, hosts, settings, application,
                binariesVersion);
    }

    /** The same spec with these server settings, validated against it. */
    public ClusterSpec withSettings(ServerSettings settings) {
        return new ClusterSpec(owner, standbys, major, backend, replication, startTimeout, image, hosts, settings, application,
                binariesVersion);
    }

    /** The same spec with this database, role and init scripts, validated. */
    public ClusterSpec withApplication(ApplicationOptions application) {
        return new ClusterSpec(owner, standbys, major, backend, replication, startTimeout, image, hosts, settings, application,
                binariesVersion);
    }

    /** Validates every value, so no spec that could not start exists, whichever way it was made. */
    public ClusterSpec {
        if (owner == null || owner.isBlank()) {
            throw new ClusterConfigurationException("a cluster spec needs an owner to name in messages, e.g. \"OrdersIT\"");
        }
        if (standbys < 0 || standbys > MAX_STANDBYS) {
            throw new ClusterConfigurationException(owner + ": standbys must be between 0 and " + MAX_STANDBYS
                    + " but was " + standbys);
        }
        if (replication.synchronous() && standbys == 0) {
            throw new ClusterConfigurationException(owner + ": synchronous = true needs at least one standby"
                    + " (a commit would wait forever); set standbys = 1 or more");
        }
        if (major < PostgresMajor.OLDEST || major > PostgresMajor.NEWEST) {
            throw new ClusterConfigurationException(owner + ": major must be from " + PostgresMajor.OLDEST + " to "
                    + PostgresMajor.NEWEST + " but was " + major);
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new ClusterConfigurationException(owner + ": startTimeout must be positive but was " + startTimeout);
        }
        java.util.Objects.requireNonNull(backend, "backend");
        replication.validate(owner, standbys, major);
        image = image == null ? "" : image.trim();
        settings = settings == null ? ServerSettings.NONE : settings;
        settings.validate(owner, standbys, major, replication);
        application = application == null ? ApplicationOptions.DEFAULTS : application;
        application.validate(owner);
        binariesVersion = binariesVersion == null ? "" : binariesVersion.trim();
        if (!binariesVersion.isEmpty()) {
            validateBinariesVersion(owner, major, backend, binariesVersion);
        }
    }

    private static void validateBinariesVersion(String owner, int major, Backend backend, String binariesVersion) {
        if (!PostgresMajor.exactVersion(binariesVersion).equals(binariesVersion)
                || PostgresMajor.parse(binariesVersion, owner + ": version") != major) {
            throw new ClusterConfigurationException(owner + ": binaries version \"" + binariesVersion
                    + "\" must be an exact version of major " + major + " such as \"" + major + ".1.0\"");
        }
        if (backend != Backend.LOCAL) {
            // containers run their image's PostgreSQL and machines their distribution's: no minor to pin
            throw new ClusterConfigurationException(owner + ": version \"" + binariesVersion + "\" pins the minor of"
                    + " zonky's binaries, which only Backend.LOCAL runs; Backend." + backend + " runs "
                    + (backend == Backend.CONTAINERS ? "the image's PostgreSQL: set version = \"" + major
                    + "\" and choose the minor with the image (e.g. a postgres:<major>.<minor> tag)"
                    : "the machine's packaged PostgreSQL: set version = \"" + major + "\"")
                    + " (or -D" + VERSION_PROPERTY + "=" + major + ")");
        }
    }

    /**
     * Applies the run-wide overrides ({@code hotstandby.*} system properties) to the requested
     * settings, so CI can run one suite over a matrix of backends and versions, then validates.
     */
    public static ClusterSpec of(String owner, int standbys, String version, Backend backend,
                                 ReplicationOptions replication, Duration startTimeout, Properties overrides) {
        return of(owner, standbys, version, backend, replication, startTimeout, "", overrides);
    }

    /**
     * As above, with the container image of {@link Backend#CONTAINERS} ({@code ""}: the official
     * {@code postgres:<major>}); the system property {@code hotstandby.image} overrides it.
     */
    public static ClusterSpec of(String owner, int standbys, String version, Backend backend,
                                 ReplicationOptions replication, Duration startTimeout, String image,
                                 Properties overrides) {
        String backendOverride = overrides.getProperty(BACKEND_PROPERTY, "").trim();
        Backend chosenBackend = backendOverride.isEmpty() ? backend
                : Backend.parse(backendOverride, "system property " + BACKEND_PROPERTY);
        String versionOverride = overrides.getProperty(VERSION_PROPERTY, "").trim();
        int major = versionOverride.isEmpty() ? PostgresMajor.parse(version, owner + ": version")
                : PostgresMajor.parse(versionOverride, "system property " + VERSION_PROPERTY,
                        "leave it unset for the version the cluster names");
        String imageOverride = overrides.getProperty(IMAGE_PROPERTY, "").trim();
        String chosenImage = imageOverride.isEmpty() ? (image == null ? "" : image.trim()) : imageOverride;
        String exact = PostgresMajor.exactVersion(versionOverride.isEmpty() ? version : versionOverride);
        return new ClusterSpec(owner, standbys, major, chosenBackend, replication, startTimeout, chosenImage, null,
                ServerSettings.NONE, ApplicationOptions.DEFAULTS, exact);
    }

    /** Commits wait for the standbys ({@link ReplicationOptions#synchronous()}). */
    public boolean synchronous() {
        return replication.synchronous();
    }

    /** Node names double as {@code cluster_name} and the standbys' {@code application_name}. */
    public static String standbyName(int index) {
        return "standby-" + index;
    }

    /** Every node's name in order: {@code primary}, then {@code standby-0} ... {@code standby-<standbys - 1>}. */
    public java.util.List<String> nodeNames() {
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(PRIMARY_NAME));
        for (int i = 0; i < standbys(); i++) {
            names.add(standbyName(i));
        }
        return java.util.List.copyOf(names);
    }

    public static final String PRIMARY_NAME = "primary";
}
