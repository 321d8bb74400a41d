package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.BackendCluster;
import dev.hotstandby.engine.BackendCluster.ToolRun;
import dev.hotstandby.engine.BackendNode;
import dev.hotstandby.engine.Endpoint;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.hotstandby.engine.Lifetime;
import dev.hotstandby.engine.LinkAddress;
import dev.hotstandby.engine.ReuseEntry;
import dev.hotstandby.engine.Members;
import dev.hotstandby.engine.NodeFiles;
import dev.hotstandby.engine.ParameterCatalog;
import dev.hotstandby.internal.Passwords;
import dev.hotstandby.engine.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.testcontainers.utility.DockerImageName;

/**
 * A primary and its standbys, one container each, on Docker networks of their own where every node
 * is reachable by its name (a network alias). The test JVM reaches them through mapped ports.
 *
 * <p>Every node, the standbys too, starts from the same template image ({@link TemplateImages}):
 * a data directory initialised once by the image's own entrypoint with the repository's configs/
 * and stopped cleanly, so a copy with standby.signal streams from the primary's copy (the same
 * system identifier). Only the node files and the network's pg_hba.conf rules are each node's own.
 * {@link ClusterStartup} boots it, {@link ClusterReboot} boots it again in place for a refresh, the
 * engine runs everything PostgreSQL does on it, and {@link ClusterTeardown} removes it.
 */
final class ContainerCluster implements BackendCluster {
    private final ClusterSpec spec;
    private final PostgresImage image;
    private final String id;
    private final String password;
    private final DockerResources shared;
    private final NodeContainers containers;
    private final ClusterStartup startup;
    private final ClusterReboot reboot;
    private final ClusterTeardown teardown;
    private final List<ContainerNode> nodes = new ArrayList<>();
    /** The image's parameters as its template recorded them; null for an attached cluster (its servers tell). */
    private ParameterCatalog parameters;
    private ReplicationRelays relays;
    private NetworkPartition partition;
    private Boolean canRewind;
    private boolean closed;

    /**
     * {@code template} null for a cluster attached after an earlier run: it defines no container;
     * {@code reuse} null for a cluster that lives with its JVM.
     */
    private ContainerCluster(ClusterSpec spec, DockerClient client, PostgresImage image, DockerImageName template, String id,
                             String password, ReuseEntry reuse) {
        this.spec = spec;
        this.image = image;
        this.id = id;
        this.password = password;
        java.nio.file.Path entry = reuse == null ? null : reuse.directory();
        this.shared = new DockerResources(client, id, entry);
        this.containers = template == null ? null
                : new NodeContainers(spec, client, image, template, id, password, shared, entry);
        this.startup = new ClusterStartup(spec, id, shared);
        this.reboot = new ClusterReboot(spec, shared, startup);
        this.teardown = new ClusterTeardown(spec, id, nodes, shared);
    }

    /**
     * The networks (and archive volume) and every node's container defined, none started; the engine
     * boots it. Kept for reuse, all of it carries the entry's label and lives on after this JVM, and
     * the entry's teardown removes it. Throws having removed what it had created.
     */
    static ContainerCluster create(ClusterSpec spec, DockerClient client, PostgresImage image, DockerImageName template,
                                   ParameterCatalog parameters, Lifetime lifetime) {
        // eight characters naming the cluster's network, containers and volume
        String id = Passwords.randomName(8);
        ReuseEntry reuse = lifetime.reuse().orElse(null);
        ContainerCluster cluster = new ContainerCluster(spec, client, image, template, id,
                spec.application().passwordOr(Passwords::generate), reuse);
        cluster.parameters = parameters;
        try {
            if (reuse != null) {
                // first: whatever fails from here on, the entry's removal removes what was made
                reuse.writeTeardown(KeptClusterTeardown.script(id, reuse.directory()));
            }
            cluster.shared.createNetworks();
            cluster.relays = ReplicationRelays.on(cluster.shared.replicationGateway());
            if (spec.replication().archiving()) {
                cluster.shared.createArchiveVolume();
            }
            cluster.nodes.add(cluster.containers.define(ClusterSpec.PRIMARY_NAME));
            for (int i = 0; i < spec.standbys(); i++) {
                cluster.nodes.add(cluster.containers.define(ClusterSpec.standbyName(i)));
            }
            return cluster;
        } catch (RuntimeException | Error failure) {
            cluster.close(false);
            throw new ClusterStartException(spec.owner() + ": the cluster did not start" + cluster.where() + ": "
                    + failure.getMessage() + "\n(every container, network and volume it had was removed)", failure);
        }
    }

    private static final String RECORD_CLUSTER = "cluster";
    private static final String RECORD_PASSWORD = "password";
    private static final String RECORD_CONTAINER = "container.";
    private static final String RECORD_PORT = "port.";

    /**
     * The cluster an earlier run kept in {@code entry}: its networks found by name, each node's
     * container by the id recorded, running, with its labels; replication relays of this JVM on the
     * replication network's gateway (the engine points every standby at them). Empty when any of it
     * is gone.
     */
    static Optional<ContainerCluster> attach(ClusterSpec spec, DockerClient client, PostgresImage image, ReuseEntry entry) {
        java.util.Properties record = entry.record();
        String id = record.getProperty("backend." + RECORD_CLUSTER, "");
        String password = record.getProperty("backend." + RECORD_PASSWORD, "");
        if (id.isEmpty() || password.isEmpty()) {
            return Optional.empty();
        }
        ContainerCluster cluster = new ContainerCluster(spec, client, image, null, id, password, entry);
        if (!cluster.shared.findKept()) {
            return Optional.empty();
        }
        try {
            List<String> names = spec.nodeNames();
            for (String name : names) {
                Optional<InspectContainerResponse> kept = keptContainer(client, record.getProperty("backend."
                        + RECORD_CONTAINER + name, ""), id, name);
                if (kept.isEmpty()) {
                    cluster.nodes.forEach(ContainerNode::detach);
                    return Optional.empty();
                }
                cluster.nodes.add(ContainerNode.attached(name, kept.get(), client, cluster.shared.replicationNetwork(),
                        password));
            }
            // a standby the former run left cut off (its JVM ended first) is back on the network, as a
            // relay's cut ends with its JVM on the local backend
            cluster.nodes.stream().filter(node -> node.replicationAddress() == null)
                    .forEach(ContainerNode::joinReplicationNetwork);
        } catch (RuntimeException | Error failure) {
            cluster.nodes.forEach(ContainerNode::detach);
            throw failure;
        }
        cluster.relays = ReplicationRelays.on(cluster.shared.replicationGateway());
        return Optional.of(cluster);
    }

    /** The container by its recorded id, if it runs and its labels name the cluster and node. */
    private static Optional<InspectContainerResponse> keptContainer(DockerClient client, String containerId, String clusterId,
                                                                    String name) {
        if (containerId.isEmpty()) {
            return Optional.empty();
        }
        try {
            InspectContainerResponse kept = client.inspectContainerCmd(containerId).exec();
            java.util.Map<String, String> labels = kept.getConfig().getLabels();
            boolean running = kept.getState() != null && Boolean.TRUE.equals(kept.getState().getRunning());
            boolean ours = labels != null && clusterId.equals(labels.get(Labels.CLUSTER)) && name.equals(labels.get(Labels.NODE));
            return running && ours ? Optional.of(kept) : Optional.empty();
        } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
            return Optional.empty();
        }
    }

    /**
     * The cluster's id and password, and each node's container and the host port Docker publishes
     * its server on (a later run reads the mapping again: the same while the container runs).
     */
    @Override
    public java.util.Map<String, String> reuseRecord() {
        java.util.Map<String, String> record = new java.util.LinkedHashMap<>();
        record.put(RECORD_CLUSTER, id);
        record.put(RECORD_PASSWORD, password);
        for (ContainerNode node : nodes) {
            record.put(RECORD_CONTAINER + node.name(), node.containerId());
            record.put(RECORD_PORT + node.name(), String.valueOf(node.port()));
        }
        return record;
    }

    /**
     * The containers, networks and volume run on for the next run; what lives in this JVM ends:
     * the engine's sessions, the following of the containers' output, and the replication relays
     * (the standbys' WAL receivers retry until a later run points them at relays of its own).
     */
    @Override
    public synchronized void detach() {
        closed = true;
        nodes.forEach(ContainerNode::detach);
        if (relays != null) {
            relays.close();
        }
    }

    /** After an attach: cuts and heals need the engine's topology, which a boot would have given. */
    @Override
    public void attached(Topology topology) {
        partition = new NetworkPartition(topology, relays);
    }

    @Override
    public ClusterSpec spec() {
        return spec;
    }

    @Override
    public String where() {
        return " on image " + image;
    }

    @Override
    public List<ContainerNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The image's superuser ({@code POSTGRES_USER}), with the generated password. */
    @Override
    public String username() {
        return NodeConnections.SUPERUSER;
    }

    @Override
    public Optional<ParameterCatalog> parameterCatalog() {
        return Optional.ofNullable(parameters);
    }

    @Override
    public String password() {
        return password;
    }

    /** The superuser too: pg_hba.conf admits it from the cluster's network with the password (PGPASSWORD). */
    @Override
    public String replicationUser() {
        return NodeConnections.SUPERUSER;
    }

    @Override
    public void boot(Topology topology, NodeFiles files) {
        partition = new NetworkPartition(topology, relays);
        startup.run(nodes, topology, files);
    }

    /**
     * In the same containers ({@link ClusterReboot}): each keeps its id, aliases and mapped port. The
     * engine lifted the faults it knows of; a standby still off the replication network joins it here.
     */
    @Override
    public void reboot(Topology topology, NodeFiles files) {
        nodes.forEach(ContainerNode::closeConnection);
        reboot.run(nodes, topology, files, partition, relays);
    }

    /** Where the image has pg_rewind; asked once, of the primary's container (every node runs the same image). */
    @Override
    public synchronized boolean canRewind() {
        if (canRewind == null) {
            canRewind = ServerTools.has(nodes.get(0), "pg_rewind");
        }
        return canRewind;
    }

    @Override
    public ToolRun runAsServerUser(BackendNode node, String tool, List<String> arguments) {
        return ServerTools.run(own(node), tool, arguments);
    }

    @Override
    public String dataDirectory(BackendNode node) {
        return ServerTools.dataDirectory(own(node));
    }

    /** Over the cluster's network, as the superuser, its password in the container's PGPASSWORD. */
    @Override
    public String toolConninfo(BackendNode node, BackendNode source) {
        return "host=" + source.replicationHost() + " port=" + source.replicationPort() + " user=" + replicationUser()
                + " dbname=" + NodeConnections.DATABASE;
    }

    @Override
    public void removeReplicationSlots(BackendNode node) {
        ServerTools.emptySlots(own(node));
    }

    @Override
    public void noteInLog(BackendNode node, String text) {
        ServerTools.note(own(node), text);
    }

    /** Empties the data directory and refills it by {@code pg_basebackup} of the source, inside the node's container. */
    @Override
    public void reseed(BackendNode node, BackendNode source) {
        own(node).exec("find \"$PGDATA\" -mindepth 1 -delete"
                + " && pg_basebackup --host=" + source.replicationHost() + " --port=" + source.replicationPort()
                + " --username=" + replicationUser()
                + " --no-password --pgdata=\"$PGDATA\" --wal-method=stream --checkpoint=fast --no-sync"
                + " && chown -R \"$(stat -c %u:%g \"$PGDATA\")\" \"$PGDATA\" && chmod 700 \"$PGDATA\"");
    }

    /** A server of another containers cluster reaches this one's on the subscriber network, which both join. */
    @Override
    public Optional<Endpoint> endpointFor(BackendNode node, BackendCluster client) {
        if (!(client instanceof ContainerCluster subscriber)) {
            return Optional.empty();
        }
        String address = shared.subscribers().admit(own(node), nodes, subscriber.nodes);
        return Optional.of(new Endpoint(address, NodeSettings.PORT));
    }

    @Override
    public void cut(BackendNode standby, BackendNode upstream) {
        partition.cut(own(standby));
    }

    @Override
    public void heal(BackendNode standby, BackendNode upstream) {
        partition.heal(own(standby), upstream);
    }

    /** Through the standby's relay in the test JVM (see {@link ReplicationRelays}). */
    @Override
    public LinkAddress linkAddress(BackendNode standby, BackendNode upstream) {
        return relays.address(own(standby), own(upstream));
    }

    @Override
    public void delayLink(BackendNode standby, BackendNode upstream, Duration oneWay) {
        relays.faultsOf(own(standby), "delayLink").delay(oneWay);
    }

    @Override
    public void limitLink(BackendNode standby, BackendNode upstream, long bytesPerSecond) {
        relays.faultsOf(own(standby), "limitLink").limit(bytesPerSecond);
    }

    @Override
    public void resetLink(BackendNode standby, BackendNode upstream) {
        relays.reset(own(standby));
    }

    private ContainerNode own(BackendNode node) {
        return Members.of(node, nodes);
    }

    /** Idempotent: a failed create and the engine may both come. */
    @Override
    public synchronized Optional<String> close(boolean keepEvidence) {
        if (closed) {
            return Optional.empty();
        }
        closed = true;
        nodes.forEach(ContainerNode::closeConnection);
        try {
            return teardown.remove(keepEvidence);
        } finally {
            if (relays != null) {
                relays.close();   // after the servers: closed first, every WAL receiver would log a lost link
            }
        }
    }
}
