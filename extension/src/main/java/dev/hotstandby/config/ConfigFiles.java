package dev.hotstandby.config;

import dev.hotstandby.PostgresMajor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's {@code configs/} and {@code stock-configs/}, packaged as resources: the single
 * source of what every backend applies. Backends never write settings of their own beyond a
 * node's identity (port, sockets, name) and the synchronous standby list.
 */
public final class ConfigFiles {
    public static final String POSTGRESQL_CONF = "postgresql.conf";
    public static final String PG_HBA_CONF = "pg_hba.conf";
    public static final String STANDBY_CONF = "standby.conf";
    public static final String RECOVERY_CONF = "recovery.conf";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");
    private static final ConfigFiles PACKAGED = new ConfigFiles();

    private final InsertedBlock postgresqlAdditions = additions(POSTGRESQL_CONF);
    private final InsertedBlock hbaAdditions = additions(PG_HBA_CONF);
    private final String standbyTemplate = read("configs/" + STANDBY_CONF);
    private final String recoveryTemplate = read("configs/" + RECOVERY_CONF);

    private ConfigFiles() {
    }

    public static ConfigFiles packaged() {
        return PACKAGED;
    }

    /** initdb's own postgresql.conf for its major, plus the lines configs/ adds. */
    public List<String> postgresqlConf(List<String> initdbFile) {
        return postgresqlAdditions.applyTo(initdbFile);
    }

    /** initdb's own pg_hba.conf for its major, plus the rules configs/ adds. */
    public List<String> pgHbaConf(List<String> initdbFile) {
        return hbaAdditions.applyTo(initdbFile);
    }

    /** The file a standby of this major needs: standby.conf (12+) or recovery.conf (11 and older). */
    public static String standbyFileName(int major) {
        return PostgresMajor.usesRecoveryConf(major) ? RECOVERY_CONF : STANDBY_CONF;
    }

    /** The standby settings for this major with every {@code {{placeholder}}} filled in. */
    public String standbySettings(int major, Map<String, String> values) {
        String template = PostgresMajor.usesRecoveryConf(major) ? recoveryTemplate : standbyTemplate;
        Matcher placeholders = PLACEHOLDER.matcher(template);
        StringBuilder rendered = new StringBuilder();
        while (placeholders.find()) {
            String value = values.get(placeholders.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for {{" + placeholders.group(1) + "}} in "
                        + standbyFileName(major));
            }
            placeholders.appendReplacement(rendered, Matcher.quoteReplacement(value));
        }
        placeholders.appendTail(rendered);
        return rendered.toString();
    }

    /** Changes whenever any packaged config file changes, so cached templates follow edits. */
    public String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String name : List.of(POSTGRESQL_CONF, PG_HBA_CONF, STANDBY_CONF, RECOVERY_CONF)) {
                digest.update(read("configs/" + name).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InsertedBlock additions(String name) {
        return InsertedBlock.between(lines(read("stock-configs/" + name)), lines(read("configs/" + name)), name);
    }

    public static List<String> lines(String text) {
        return List.of(text.split("\n", -1));
    }

    /** Reads {@code configs/NAME} or {@code stock-configs/NAME} from the classpath. */
    public static String read(String path) {
        String resource = "/dev/hotstandby/" + path;
        try (InputStream in = ConfigFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + "; the jar is incomplete");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
