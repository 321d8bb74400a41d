package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import dev.hotstandby.ClusterSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.Transferable;

/**
 * How each node's container is defined (not yet started): the image's contract variables, the
 * access network and the replication network with the node's name as its alias there, the data directory on a tmpfs, Docker's init, and node.sh as
 * the main process; the primary also gets the initdb hook.
 */
final class NodeContainers {
    /** Where node.sh and the files a standby installs after its base backup go in every container. */
    static final String SCRIPTS = "/hotstandby";
    /** A cap, not a reservation: tmpfs takes memory only as files fill it. */
    private static final String TMPFS_SIZE = "4g";

    private final ClusterSpec spec;
    private final DockerClient client;
    private final PostgresImage image;
    private final String clusterId;
    private final String password;
    private final DockerResources shared;
    /** {@code $PGDATA} inside the containers: the image's, on a tmpfs. */
    private final String dataDirectory;

    NodeContainers(ClusterSpec spec, DockerClient client, PostgresImage image, String clusterId, String password,
                   DockerResources shared) {
        this.spec = spec;
        this.client = client;
        this.image = image;
        this.clusterId = clusterId;
        this.password = password;
        this.shared = shared;
        this.dataDirectory = image.dataDirectory(client);
    }

    /**
     * A node whose container is defined on the cluster's access network (where Docker publishes its
     * port) and joins the replication network, with its name as alias, between creation and start;
     * its shared resources must exist by now.
     */
    ContainerNode define(String name) {
        String replicationNetwork = shared.replicationNetwork();
        GenericContainer<?> container = new NodeContainer(image.name(), client, replicationNetwork, name);
        String archiveVolume = shared.archiveVolume();
        container.withNetwork(shared.network())
                .withExposedPorts(NodeSettings.PORT)
                .withLabels(Labels.forNode(clusterId, name))
                .withEnv(environment())
                .withCopyToContainer(Transferable.of(resource("node.sh"), 0755), SCRIPTS + "/node.sh")
                // The data directory on a tmpfs: PostgreSQL makes about a thousand files per data directory,
                // and on the container's overlay file system initdb and base backups take several times longer.
                .withTmpFs(Map.of(dataDirectory, "rw,nosuid,nodev,size=" + TMPFS_SIZE))
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withName("hotstandby-" + clusterId + "-" + name).withEntrypoint("bash", SCRIPTS + "/node.sh");
                    // Docker's init (tini) as process 1: node.sh runs the server as its child, and orphans get reaped
                    cmd.getHostConfig().withInit(true);
                    if (archiveVolume != null) {
                        cmd.getHostConfig().withBinds(new Bind(archiveVolume, new Volume(NodeSettings.ARCHIVE)));
                    }
                })
                .waitingFor(new NoWait());
        return new ContainerNode(name, container, client, replicationNetwork, password);
    }

    /** The image's entrypoint initialises the primary and runs the initdb hook, which installs the configuration. */
    static void asPrimary(ContainerNode node) {
        node.container().withEnv("HOTSTANDBY_ROLE", "primary").withCopyToContainer(
                Transferable.of(resource("initdb.sh"), 0755), "/docker-entrypoint-initdb.d/hotstandby.sh");
    }

    /** node.sh takes a base backup of the upstream on the first start (see {@link NodeConfigFiles#stageForFirstStart}). */
    static void asStandby(ContainerNode node) {
        node.container().withEnv("HOTSTANDBY_ROLE", "standby");
    }

    private Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("POSTGRES_USER", NodeConnections.SUPERUSER);
        environment.put("POSTGRES_PASSWORD", password);
        environment.put("POSTGRES_DB", NodeConnections.DATABASE);
        // the image would append a rule for every address with this method; it is dropped for the network's rules
        environment.put("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256");
        // no fsync of a throwaway cluster; 1 MB WAL segments (11+) make base backups small
        environment.put("POSTGRES_INITDB_ARGS", spec.major() >= 11 ? "--no-sync --wal-segsize=1" : "--no-sync");
        // pg_basebackup and the WAL receiver (libpq in the server) take the password from here
        environment.put("PGPASSWORD", password);
        environment.put("HOTSTANDBY_TIMEOUT", String.valueOf(Math.max(1, spec.startTimeout().toSeconds())));
        return environment;
    }

    /** Joins the replication network between its creation on the access network and its start. */
    private static final class NodeContainer extends GenericContainer<NodeContainer> {
        private final transient DockerClient client;
        private final String replicationNetwork;
        private final String alias;

        NodeContainer(org.testcontainers.utility.DockerImageName image, DockerClient client, String replicationNetwork, String alias) {
            super(image);
            this.client = client;
            this.replicationNetwork = replicationNetwork;
            this.alias = alias;
        }

        @Override
        protected void containerIsCreated(String containerId) {
            // before the start: a standby's base backup reaches its upstream by name from the first moment
            ContainerNode.connect(client, replicationNetwork, containerId, alias);
        }
    }

    /** Readiness is the backend's own business: the initdb exchange, the log line, then a real query. */
    private static final class NoWait extends AbstractWaitStrategy {
        @Override
        protected void waitUntilReady() {
        }
    }

    /** node.sh and initdb.sh, packaged beside these classes. */
    private static byte[] resource(String name) {
        try (InputStream in = NodeContainers.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " beside " + NodeContainers.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
