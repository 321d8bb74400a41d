package dev.hotstandby.junit;

import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.SshHosts;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@code hotstandby.*} options of a run: JUnit configuration parameters
 * ({@code junit-platform.properties}, the launcher's parameters) overlaid by system properties, so
 * {@code -Dhotstandby.backend=...} on the JVM still wins.
 */
final class HotstandbyOptions {
    static final String CLEANUP_PROPERTY = "hotstandby.cleanup";

    /** JUnit answers key by key, so the options this layer hands on are listed. */
    private static final List<String> HANDED_ON = List.of(ClusterSpec.BACKEND_PROPERTY, ClusterSpec.VERSION_PROPERTY,
            ClusterSpec.IMAGE_PROPERTY, BackendUnavailableException.REQUIRE_PROPERTY, CLEANUP_PROPERTY, SshHosts.PROPERTY);

    /** Read by the backends from system properties only: as configuration parameters they would be ignored silently. */
    static final List<String> SYSTEM_PROPERTIES_ONLY = List.of("hotstandby.dataDir", "hotstandby.cacheDir",
            "hotstandby.pgHome", "hotstandby.spares", "hotstandby.vagrant.dir", "hotstandby.vagrant.provider");

    private final Properties merged = new Properties();
    private final Set<String> fromConfiguration = new HashSet<>();

    private HotstandbyOptions() {
    }

    static HotstandbyOptions of(ExtensionContext context) {
        HotstandbyOptions options = new HotstandbyOptions();
        for (String key : HANDED_ON) {
            context.getConfigurationParameter(key).ifPresent(value -> {
                options.merged.setProperty(key, value);
                options.fromConfiguration.add(key);
            });
        }
        Properties system = System.getProperties();
        for (String key : system.stringPropertyNames()) {
            options.merged.setProperty(key, system.getProperty(key));
            options.fromConfiguration.remove(key);
        }
        return options;
    }

    /** A copy: the spec and the require decision read it, nobody writes it. */
    Properties properties() {
        Properties copy = new Properties();
        copy.putAll(merged);
        return copy;
    }

    String get(String key) {
        return merged.getProperty(key, "").trim();
    }

    /** The engine's messages say "system property X"; for a value from junit-platform.properties that misleads. */
    String namingTheSource(String message) {
        String named = message;
        for (String key : fromConfiguration) {
            named = named.replace("system property " + key, "configuration parameter " + key);
        }
        return named;
    }

    /** The annotation's mode, or for DEFAULT the {@code hotstandby.cleanup} option, else ON_SUCCESS. */
    CleanupMode cleanup(CleanupMode annotated, String owner) {
        if (annotated != CleanupMode.DEFAULT) {
            return annotated;
        }
        String value = get(CLEANUP_PROPERTY);
        if (value.isEmpty()) {
            return CleanupMode.ON_SUCCESS;
        }
        for (CleanupMode mode : List.of(CleanupMode.ALWAYS, CleanupMode.ON_SUCCESS, CleanupMode.NEVER)) {
            if (mode.name().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new ExtensionConfigurationException(owner + ": " + source(CLEANUP_PROPERTY) + " must be one of always,"
                + " on_success, never but was '" + value + "'");
    }

    /** Reuse is the machine owner's choice: a project's junit-platform.properties never turns it on. */
    static final List<String> MACHINE_OWNER_ONLY = List.of(dev.hotstandby.engine.ReuseOptions.PROPERTY,
            dev.hotstandby.engine.ReuseOptions.IDLE_PROPERTY);

    /** Reuse options given as configuration parameters (a project's file), to warn about. */
    static List<String> ignoredReuseConfiguration(ExtensionContext context) {
        return MACHINE_OWNER_ONLY.stream().filter(key -> context.getConfigurationParameter(key).isPresent()).toList();
    }

    /** Options given as configuration parameters that only a system property can set today, to warn about. */
    static List<String> ignoredConfiguration(ExtensionContext context) {
        return SYSTEM_PROPERTIES_ONLY.stream()
                .filter(key -> context.getConfigurationParameter(key).isPresent() && System.getProperty(key) == null)
                .toList();
    }

    private String source(String key) {
        return (fromConfiguration.contains(key) ? "configuration parameter " : "system property ") + key;
    }
}
