package dev.hotstandby.engine;

import dev.hotstandby.ClusterConfigurationException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Whether shared clusters outlive the JVM for the next run ({@value #PROPERTY}) and how long an
 * unused one is kept ({@value #IDLE_PROPERTY}). The machine owner's choice, as Testcontainers'
 * {@code testcontainers.reuse.enable}: read from system properties, then the environment
 * ({@code HOTSTANDBY_REUSE}, {@code HOTSTANDBY_REUSE_IDLE}), then {@code ~/.hotstandby.properties};
 * never from a project's own files, so a CI checkout never reuses by accident.
 */
public record ReuseOptions(boolean enabled, Duration idle) {
    public static final String PROPERTY = "hotstandby.reuse";
    public static final String IDLE_PROPERTY = "hotstandby.reuse.idle";
    public static final String USER_FILE = ".hotstandby.properties";
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);

    /** As this machine's owner set them now. */
    public static ReuseOptions current() {
        return read(System.getProperties(), System.getenv(), Path.of(System.getProperty("user.home"), USER_FILE));
    }

    static ReuseOptions read(Properties system, Map<String, String> environment, Path userFile) {
        Properties file = load(userFile);
        Setting reuse = Setting.of(PROPERTY, system, environment, file, userFile);
        Setting idle = Setting.of(IDLE_PROPERTY, system, environment, file, userFile);
        return new ReuseOptions(parseEnabled(reuse), parseIdle(idle));
    }

    private static boolean parseEnabled(Setting setting) {
        if (setting.value == null) {
            return false;
        }
        String value = setting.value.trim().toLowerCase(Locale.ROOT);
        if (value.equals("true") || value.equals("false")) {
            return value.equals("true");
        }
        throw new ClusterConfigurationException(setting.source + " must be true or false but was '" + setting.value + "'");
    }

    private static Duration parseIdle(Setting setting) {
        if (setting.value == null) {
            return DEFAULT_IDLE;
        }
        try {
            Duration idle = Duration.parse(setting.value.trim());
            if (!idle.isNegative() && !idle.isZero()) {
                return idle;
            }
        } catch (DateTimeParseException notADuration) {
            // the message below says what is expected
        }
        throw new ClusterConfigurationException(setting.source + " must be a positive ISO-8601 duration such as PT10M"
                + " or PT30S but was '" + setting.value + "'");
    }

    private static Properties load(Path userFile) {
        Properties file = new Properties();
        if (Files.isRegularFile(userFile)) {
            try (Reader reader = Files.newBufferedReader(userFile)) {
                file.load(reader);
            } catch (IOException e) {
                throw new ClusterConfigurationException("cannot read " + userFile + ": " + e.getMessage());
            }
        }
        return file;
    }

    /** A value and where it came from, for messages: "system property hotstandby.reuse". */
    private record Setting(String value, String source) {
        static Setting of(String key, Properties system, Map<String, String> environment, Properties file, Path userFile) {
            if (system.getProperty(key) != null) {
                return new Setting(system.getProperty(key), "system property " + key);
            }
            String variable = key.toUpperCase(Locale.ROOT).replace('.', '_');
            if (environment.get(variable) != null) {
                return new Setting(environment.get(variable), "environment variable " + variable);
            }
            if (file.getProperty(key) != null) {
                return new Setting(file.getProperty(key), key + " in " + userFile);
            }
            return new Setting(null, key);
        }
    }
}
