package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.config.ConfigFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The template builder's side of initdb.sh, its initdb hook: the hook hands over the config files
 * initdb wrote for the image's major; they come back with the repository's configs/ applied and the
 * template's node.conf. So every major gets exactly the repository's additions to its own stock
 * files, as on the local backend; each cluster appends only its network's pg_hba.conf rules.
 */
final class TemplateConfigExchange {
    private static final Pattern INITDB_DONE = Pattern.compile("hotstandby: initdb done");
    private static final Pattern CONFIG_INSTALLED = Pattern.compile("hotstandby: configuration installed");
    /** Where initdb.sh and this class exchange config files inside the builder's container (as initdb.sh says). */
    private static final String EXCHANGE = "/tmp/hotstandby-configs";

    private final int major;
    private final DockerClient client;
    private final PostgresImage image;

    TemplateConfigExchange(int major, DockerClient client, PostgresImage image) {
        this.major = major;
        this.client = client;
        this.image = image;
    }

    /**
     * Waits for initdb inside the started builder, answers its hook with {@code nodeConf} as the
     * template's node.conf, and returns the index of the log line saying the configuration is
     * installed (the server starts with it after that line).
     */
    int installConfiguration(TemplateBuild.Output builder, String containerId, String nodeConf, long deadline)
            throws IOException {
        int initdbDone = builder.awaitLine(INITDB_DONE, 0, deadline, "initdb");
        Tar.Contents stock;
        try (InputStream archive = client.copyArchiveFromContainerCmd(containerId, EXCHANGE + "/stock").exec()) {
            stock = Tar.read(archive);
        }
        requireMajor(new String(stock.file("PG_VERSION"), StandardCharsets.UTF_8).trim());
        LinkedHashMap<String, byte[]> rendered = new LinkedHashMap<>();
        rendered.put("rendered/postgresql.conf", text(ConfigFiles.packaged().postgresqlConf(lines(stock.file("postgresql.conf")))));
        rendered.put("rendered/pg_hba.conf", text(NodeSettings.templatePgHbaConf(lines(stock.file("pg_hba.conf")))));
        rendered.put("rendered/node/node.conf", nodeConf.getBytes(StandardCharsets.UTF_8));
        rendered.put("rendered/ready", new byte[0]); // last: the hook waits for it
        client.copyArchiveToContainerCmd(containerId).withRemotePath(EXCHANGE)
                .withTarInputStream(new ByteArrayInputStream(Tar.of(rendered, Tar.Owner.ROOT, 0644))).exec();
        return builder.awaitLine(CONFIG_INSTALLED, initdbDone, deadline, "installing the configuration");
    }

    /** The image decides the major that runs; version decides how the backend talks to it (standby files, promotion). */
    private void requireMajor(String imageMajor) {
        if (!imageMajor.equals(String.valueOf(major))) {
            throw new ClusterStartException("image " + image + " runs PostgreSQL " + imageMajor + ", but the cluster"
                    + " asks for " + major + ": set version = \"" + imageMajor + "\" (or -D" + ClusterSpec.VERSION_PROPERTY
                    + "=" + imageMajor + "), or choose an image of " + major + " (image = ..., or -D"
                    + ClusterSpec.IMAGE_PROPERTY + "=...)");
        }
    }

    private static List<String> lines(byte[] file) {
        return ConfigFiles.lines(new String(file, StandardCharsets.UTF_8));
    }

    private static byte[] text(List<String> lines) {
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }
}
