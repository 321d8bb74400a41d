package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import dev.hotstandby.ClusterSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * How each node's container is defined (not yet started): the template image, the image's contract
 * variables, the access network and the replication network with the node's name as its alias
 * there, the data directory on a tmpfs, Docker's init, node.sh as the main process, and the node's
 * files, which node.sh puts into its copy of the template before the first start.
 */
final class NodeContainers {
    /** Where node.sh, the template's data directory and each node's own files are in every container. */
    static final String SCRIPTS = "/hotstandby";
    /** A cap, not a reservation: tmpfs takes memory only as files fill it. */
    private static final String TMPFS_SIZE = "4g";

    private final ClusterSpec spec;
    private final DockerClient client;
    private final DockerImageName template;
    private final String clusterId;
    private final String password;
    private final DockerResources shared;
    /** {@code $PGDATA} inside the containers: the image's, on a tmpfs. */
    private final String dataDirectory;
    /** The reuse entry's directory of a cluster kept for reuse, else null. */
    private final java.nio.file.Path reuseEntry;

    NodeContainers(ClusterSpec spec, DockerClient client, PostgresImage image, DockerImageName template, String clusterId,
                   String password, DockerResources shared, java.nio.file.Path reuseEntry) {
        this.spec = spec;
        this.reuseEntry = reuseEntry;
        this.client = client;
        this.template = template;
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
        GenericContainer<?> container = new NodeContainer(template, client, replicationNetwork, name);
        String archiveVolume = shared.archiveVolume();
        container.withNetwork(shared.network())
                .withExposedPorts(NodeSettings.PORT)
                .withLabels(Labels.forNode(clusterId, name, reuseEntry))
                .withEnv(environment())
                // The data directory on a tmpfs: PostgreSQL makes about a thousand files per data directory,
                // and on the container's overlay file system copies and base backups take several times longer.
                .withTmpFs(Map.of(dataDirectory, "rw,nosuid,nodev,size=" + TMPFS_SIZE))
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withName("hotstandby-" + clusterId + "-" + name).withEntrypoint("bash", SCRIPTS + "/node.sh");
                    // Docker's init (tini) as process 1: node.sh runs the server as its child, and orphans get reaped
                    cmd.getHostConfig().withInit(true);
                    if (reuseEntry != null) {
                        cmd.withLabels(new WithoutSessionLabel(cmd.getLabels()));
                    }
                    if (archiveVolume != null) {
                        cmd.getHostConfig().withBinds(new Bind(archiveVolume, new Volume(NodeSettings.ARCHIVE)));
                    }
                })
                .waitingFor(new NoWait());
        return new ContainerNode(name, container, client, replicationNetwork, password);
    }

    /**
     * The node's files from the engine (node.conf, user.conf; a standby's standby settings and
     * standby.signal) and the cluster network's pg_hba.conf rules, which node.sh installs into its
     * copy of the template at the first start; the primary then sets the cluster's password.
     */
    static void stage(ContainerNode node, boolean primary, Map<String, String> files, List<String> clusterRules) {
        // in the environment: each copy into a container would cost an API call before its start
        node.container().withEnv(nodeEnvironment("HOTSTANDBY_FILE_", primary, files, clusterRules));
    }

    /**
     * What node.sh installs a copy of the template with, as variables: the role, the pg_hba.conf
     * rules, and each file as {@code <prefix><n>} holding its name, a newline, then its content.
     */
    static Map<String, String> nodeEnvironment(String filePrefix, boolean primary, Map<String, String> files,
                                               List<String> clusterRules) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("HOTSTANDBY_ROLE", primary ? "primary" : "standby");
        environment.put("HOTSTANDBY_HBA_RULES", String.join("\n", clusterRules));
        int index = 0;
        for (Map.Entry<String, String> file : files.entrySet()) {
            environment.put(filePrefix + index++, file.getKey() + "\n" + file.getValue());
        }
        return environment;
    }

    private Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String variable : contract(spec)) {
            int equals = variable.indexOf('=');
            environment.put(variable.substring(0, equals), variable.substring(equals + 1));
        }
        // the primary sets the superuser's password to it; pg_basebackup and the WAL receiver (libpq in the server) take it from PGPASSWORD
        environment.put("POSTGRES_PASSWORD", password);
        environment.put("PGPASSWORD", password);
        environment.put("HOTSTANDBY_TIMEOUT", String.valueOf(Math.max(1, spec.startTimeout().toSeconds())));
        return environment;
    }

    /** The image contract's variables that the template is made with and every node gets too; no password. */
    static List<String> contract(ClusterSpec spec) {
        return List.of(
                "POSTGRES_USER=" + NodeConnections.SUPERUSER,
                "POSTGRES_DB=" + NodeConnections.DATABASE,
                // the image would append a rule for every address with this method; it is dropped for the network's rules
                "POSTGRES_HOST_AUTH_METHOD=scram-sha-256",
                // no fsync of a throwaway cluster; 1 MB WAL segments (11+) make the template small
                "POSTGRES_INITDB_ARGS=" + (spec.major() >= 11 ? "--no-sync --wal-segsize=1" : "--no-sync"));
    }

    /**
     * The labels of a container kept for reuse: Testcontainers adds its session's label after every
     * modifier, and removes what has it when the JVM ends (its shutdown hook, or Ryuk); this map
     * takes no such label, so the container outlives the JVM, as {@code withReuse} would have it but
     * for containers on a network of their own. The entry's watchdog removes it instead.
     */
    private static final class WithoutSessionLabel extends java.util.HashMap<String, String> {
        WithoutSessionLabel(Map<String, String> labels) {
            super(labels == null ? Map.of() : labels);
        }

        @Override
        public String put(String key, String value) {
            return org.testcontainers.DockerClientFactory.TESTCONTAINERS_SESSION_ID_LABEL.equals(key) ? null
                    : super.put(key, value);
        }

        @Override
        public void putAll(Map<? extends String, ? extends String> labels) {
            labels.forEach(this::put);
        }
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
            // before the start: a standby reaches its upstream by name from the first moment
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
    static byte[] resource(String name) {
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
