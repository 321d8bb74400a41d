package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.NodeRuntime;
import dev.hotstandby.engine.Passwords;
import dev.hotstandby.engine.RunningCluster;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A primary and its standbys, one container each, on a Docker network of their own where every
 * node is reachable by its name (a network alias). The test JVM reaches them through mapped ports.
 *
 * <p>The primary is initialised by the image's own entrypoint, whose initdb hook takes the
 * repository's configs/ ({@link PrimaryConfigExchange}). Every standby is a {@code pg_basebackup} of
 * its upstream taken inside its own container over the network, so it carries the primary's
 * configuration; only its identity and standby settings are its own ({@link NodeConfigFiles}).
 * {@link ClusterStartup} brings the cluster up, {@link TopologyOperations} changes it and
 * {@link ClusterTeardown} removes it; this class ties them to one cluster's lifetime.
 */
final class ContainerCluster implements RunningCluster {
    /** Clusters not closed yet: the shutdown hook removes them should the test JVM end first. */
    private static final Set<ContainerCluster> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(cluster -> cluster.close(false)),
                "hotstandby-containers-shutdown"));
    }

    private final String password = Passwords.generate();
    private final Topology topology = new Topology();
    private final ClusterStartup startup;
    private final TopologyOperations operations;
    private final ClusterTeardown teardown;
    private boolean closed;

    private ContainerCluster(ClusterSpec spec, DockerClient client, PostgresImage image) {
        // eight characters naming the cluster's network, containers and volume
        String id = Passwords.generate().substring(0, 8).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "x");
        DockerResources shared = new DockerResources(client, id);
        NodeConnections connections = new NodeConnections(password);
        NodeConfigFiles configFiles = new NodeConfigFiles(spec, topology);
        ReplicationSlots slots = new ReplicationSlots(connections);
        this.startup = new ClusterStartup(spec, id, topology, shared,
                new NodeContainers(spec, client, image, id, password, shared), configFiles,
                new PrimaryConfigExchange(spec, client, image, shared, configFiles), connections, slots);
        this.operations = new TopologyOperations(spec, topology, configFiles, connections, slots);
        this.teardown = new ClusterTeardown(spec, id, topology, shared);
    }

    /** Returns the started cluster, or throws having removed everything it had created. */
    static ContainerCluster start(ClusterSpec spec, DockerClient client, PostgresImage image) {
        ContainerCluster cluster = new ContainerCluster(spec, client, image);
        OPEN.add(cluster);
        try {
            cluster.startup.run();
            return cluster;
        } catch (RuntimeException | Error failure) {
            String logs = cluster.teardown.logTails(30);
            cluster.close(false);
            throw new ClusterStartException(spec.owner() + ": the cluster did not start on image " + image + ": "
                    + failure.getMessage() + "\n(every container, network and volume it had was removed)" + logs, failure);
        }
    }

    @Override
    public List<NodeRuntime> nodes() {
        return List.copyOf(topology.nodes());
    }

    @Override
    public String username() {
        return NodeConnections.SUPERUSER;
    }

    @Override
    public String password() {
        return password;
    }

    /**
     * A fast shutdown (SIGINT to the postmaster); the container, its tmpfs data directory, network
     * alias and mapped port stay for {@link #start}.
     */
    @Override
    public void stop(NodeRuntime node) {
        topology.own(node).hold("INT");
    }

    /** SIGKILL to the postmaster, as {@code kill -9}: the next start runs crash recovery. */
    @Override
    public void kill(NodeRuntime node) {
        topology.own(node).hold("KILL");
    }

    @Override
    public void start(NodeRuntime node) {
        operations.start(topology.own(node));
    }

    @Override
    public synchronized void promote(NodeRuntime standby) {
        operations.promote(topology.own(standby));
    }

    @Override
    public synchronized void rejoin(NodeRuntime formerPrimary) {
        operations.rejoin(topology.own(formerPrimary));
    }

    @Override
    public void disconnect(NodeRuntime standby) {
        operations.disconnect(topology.own(standby));
    }

    @Override
    public void reconnect(NodeRuntime standby) {
        operations.reconnect(topology.own(standby));
    }

    /** Idempotent: the test's close and the shutdown hook may both come. */
    @Override
    public synchronized Optional<String> close(boolean keepEvidence) {
        if (closed) {
            return Optional.empty();
        }
        closed = true;
        OPEN.remove(this);
        return teardown.remove(keepEvidence);
    }
}
