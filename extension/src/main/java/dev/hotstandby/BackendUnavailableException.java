package dev.hotstandby;

/**
 * The chosen backend cannot run on this machine, for example {@link Backend#CONTAINERS} without
 * Docker. Nothing was started. The JUnit extension turns it into a skipped (aborted) class unless
 * the system property {@code hotstandby.require} names the backend: then the backend throws a
 * plain {@link ClusterStartException} instead, and the class fails.
 */
public class BackendUnavailableException extends ClusterStartException {
    /** Comma-separated backends that must run, e.g. {@code containers}: CI sets it so nothing is skipped silently. */
    public static final String REQUIRE_PROPERTY = "hotstandby.require";

    private final Backend backend;

    public BackendUnavailableException(Backend backend, String message) {
        super(message);
        this.backend = backend;
    }

    public Backend backend() {
        return backend;
    }

    /** Whether {@code hotstandby.require} (a comma-separated list, any case) names this backend. */
    public static boolean isRequired(Backend backend, java.util.Properties properties) {
        String required = properties.getProperty(REQUIRE_PROPERTY, "");
        for (String name : required.split(",")) {
            if (name.trim().equalsIgnoreCase(backend.name())) {
                return true;
            }
        }
        return false;
    }
}
