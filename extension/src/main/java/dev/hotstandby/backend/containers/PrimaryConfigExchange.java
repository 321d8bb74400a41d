package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.config.ConfigFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;

/**
 * The primary's side of initdb.sh, its initdb hook: the hook hands over the config files initdb
 * wrote for the image's major; they come back with the repository's configs/ applied, the cluster
 * network's pg_hba.conf rules and the node's node.conf. So every major gets exactly the
 * repository's additions to its own stock files, as on the local backend.
 */
final class PrimaryConfigExchange {
    private static final Pattern INITDB_DONE = Pattern.compile("hotstandby: initdb done");
    private static final Pattern CONFIG_INSTALLED = Pattern.compile("hotstandby: configuration installed");
    /** Where initdb.sh and this class exchange config files inside the primary's container (as initdb.sh says). */
    private static final String EXCHANGE = "/tmp/hotstandby-configs";

    private final int major;
    private final DockerClient client;
    private final PostgresImage image;
    private final DockerResources shared;

    PrimaryConfigExchange(ClusterSpec spec, DockerClient client, PostgresImage image, DockerResources shared) {
        this.major = spec.major();
        this.client = client;
        this.image = image;
        this.shared = shared;
    }

    /**
     * Waits for initdb inside the started primary's container, answers its hook (with {@code nodeFiles},
     * node.conf and user.conf as the engine renders them), and returns the index of the log line saying the configuration is
     * installed (the server starts after it).
     */
    int installConfiguration(ContainerNode primary, Map<String, String> nodeFiles, long deadline) throws IOException {
        int initdbDone = primary.awaitLine(INITDB_DONE, 0, deadline, "initdb");
        Tar.Contents stock;
        try (InputStream archive = client.copyArchiveFromContainerCmd(primary.containerId(), EXCHANGE + "/stock").exec()) {
            stock = Tar.read(archive);
        }
        requireMajor(new String(stock.file("PG_VERSION"), StandardCharsets.UTF_8).trim());
        Map<String, byte[]> rendered = new LinkedHashMap<>();
        rendered.put("rendered/postgresql.conf", text(ConfigFiles.packaged().postgresqlConf(lines(stock.file("postgresql.conf")))));
        rendered.put("rendered/pg_hba.conf", text(NodeSettings.pgHbaConf(lines(stock.file("pg_hba.conf")), shared.subnets(),
                dockerHostIsRemote())));
        // node.conf and user.conf: the engine's files of a primary
        nodeFiles.forEach((name, content) -> rendered.put("rendered/node/" + name, content.getBytes(StandardCharsets.UTF_8)));
        rendered.put("rendered/ready", new byte[0]); // last: the hook waits for it
        client.copyArchiveToContainerCmd(primary.containerId()).withRemotePath(EXCHANGE)
                .withTarInputStream(new ByteArrayInputStream(Tar.of(rendered, Tar.Owner.ROOT, 0644))).exec();
        return primary.awaitLine(CONFIG_INSTALLED, initdbDone, deadline, "installing the configuration");
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

    /** A Docker daemon elsewhere (tcp:// to another machine) keeps the client's own address in its port mapping. */
    private static boolean dockerHostIsRemote() {
        URI dockerHost = DockerClientFactory.instance().getTransportConfig().getDockerHost();
        String scheme = String.valueOf(dockerHost.getScheme());
        if (scheme.equals("unix") || scheme.equals("npipe")) {
            return false;
        }
        String host = String.valueOf(dockerHost.getHost());
        return !(host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]"));
    }

    private static List<String> lines(byte[] file) {
        return ConfigFiles.lines(new String(file, StandardCharsets.UTF_8));
    }

    private static byte[] text(List<String> lines) {
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }
}
