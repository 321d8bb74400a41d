package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cluster on any backend: the start contract, promotion, rejoin and links written once over the
 * backend's node primitives. The public {@code PostgresCluster} runs every operation through it.
 */
public final class EngineCluster implements RunningCluster {
    private final ClusterSpec spec;
    private final BackendCluster backend;
    private final Topology topology;
    private final NodeFiles files;
    private final Slots slots;
    private final StartContract contract;
    private final Failover failover;
    private final Rejoin rejoin;
    private final Links links;
    private final RuntimeSettings settings;
    private final Databases databases;
    private final LogicalSlots logicalSlots;
    private final Subscriptions subscriptions;
    private final List<EngineNode> nodes;
    /** Null without {@code clientFaults}. */
    private final ClientRelays clients;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EngineCluster(BackendCluster backend) {
        this.spec = backend.spec();
        this.backend = backend;
        this.topology = Topology.initial(spec, backend.nodes());
        this.files = new NodeFiles(spec, topology, backend.replicationUser(), backend::linkAddress);
        this.slots = new Slots(spec.replication().physicalSlots(spec.major()));
        this.contract = new StartContract(spec, topology);
        this.failover = new Failover(spec, topology, files, slots);
        this.rejoin = new Rejoin(spec, backend, topology, files, slots, contract);
        this.links = new Links(spec, backend, topology);
        this.settings = new RuntimeSettings(spec, backend, topology, contract);
        this.databases = new Databases(spec.application().database(), backend.username(), backend.password());
        this.logicalSlots = new LogicalSlots(spec, topology, databases);
        this.subscriptions = new Subscriptions(spec, backend, topology, databases);
        this.clients = spec.application().clientFaults() ? new ClientRelays() : null;
        this.nodes = topology.nodes().stream().map(node -> new EngineNode(node, topology, clients)).toList();
    }

    /**
     * Boots the backend's servers and returns once the start contract holds; otherwise closes
     * everything the backend started and throws {@link ClusterStartException} with every node's log tail.
     */
    public static EngineCluster start(BackendCluster backend) {
        EngineCluster cluster = new EngineCluster(backend);
        OpenClusters.add(cluster);
        long deadline = System.nanoTime() + cluster.spec.startTimeout().toNanos();
        try {
            backend.boot(cluster.topology, cluster.files);
            for (BackendNode standby : cluster.topology.standbys()) {
                cluster.slots.ensure(cluster.topology.upstreamOf(standby), standby);
            }
            cluster.files.slotsExist();
            StartupTrace.mark("slots ensured");
            if (cluster.spec.replication().failoverSlots(cluster.spec.major())) {
                cluster.logicalSlots.startSlotSync(cluster.files, cluster.topology.standbys(), Waits.remaining(deadline));
            }
            cluster.contract.await(cluster.topology.standbys(),
                    Waits.remaining(deadline));
            StartupTrace.mark("start contract holds");
            ApplicationSetup application = new ApplicationSetup(cluster.spec.application());
            if (application.hasWork()) {
                application.run(cluster.topology.primary(), backend.password());
                // the init scripts' changes are on every standby before the first test
                cluster.contract.awaitReplayed(cluster.topology.standbys(),
                        Waits.remaining(deadline));
            }
            return cluster;
        } catch (RuntimeException | Error failure) {
            String logs = cluster.logTails(20);
            cluster.close(false);
            if (failure instanceof RetryableStartException) {
                throw failure;
            }
            throw new ClusterStartException(cluster.spec.owner() + ": the cluster did not start" + backend.where() + ": "
                    + failure.getMessage() + "\n(everything it had started was stopped and removed)" + logs, failure);
        }
    }

    /** The backend's node behind one of {@link #nodes()}. */
    public BackendNode backendNode(NodeRuntime node) {
        if (node instanceof EngineNode engineNode && nodes.contains(engineNode)) {
            return engineNode.backendNode();
        }
        throw new IllegalArgumentException(node.name() + " is not a node of this cluster");
    }

    @Override
    public List<NodeRuntime> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public String username() {
        return backend.username();
    }

    @Override
    public String password() {
        return backend.password();
    }

    @Override
    public void stop(NodeRuntime node) {
        backendNode(node).stopServer();
    }

    @Override
    public void kill(NodeRuntime node) {
        backendNode(node).killServer();
    }

    @Override
    public void start(NodeRuntime node) {
        backendNode(node).startServer(spec.startTimeout());
    }

    @Override
    public synchronized void promote(NodeRuntime standby) {
        failover.promote(backendNode(standby));
    }

    @Override
    public synchronized void rejoin(NodeRuntime formerPrimary) {
        rejoin.rejoin(backendNode(formerPrimary));
    }

    @Override
    public synchronized void disconnect(NodeRuntime standby) {
        links.disconnect(backendNode(standby));
    }

    @Override
    public synchronized void reconnect(NodeRuntime standby) {
        links.reconnect(backendNode(standby));
    }

    @Override
    public void cutClients(NodeRuntime node, boolean cut) {
        clientFaults(node).cut(cut);
    }

    @Override
    public void delayClients(NodeRuntime node, java.time.Duration oneWay) {
        clientFaults(node).delay(oneWay);
    }

    private LinkFaults clientFaults(NodeRuntime node) {
        if (clients == null) {
            throw new IllegalStateException(spec.owner() + ": the test's connections reach " + node.name()
                    + " directly; clientFaults = true (builder: clientFaults(true)) routes them through a relay"
                    + " that cutClients, restoreClients and delayClients act on");
        }
        return clients.faultsOf(backendNode(node));
    }

    @Override
    public synchronized void delayLink(NodeRuntime standby, java.time.Duration oneWay) {
        links.delay(backendNode(standby), oneWay);
    }

    @Override
    public synchronized void limitLink(NodeRuntime standby, long bytesPerSecond) {
        links.limit(backendNode(standby), bytesPerSecond);
    }

    @Override
    public synchronized void resetLink(NodeRuntime standby) {
        links.reset(backendNode(standby));
    }

    @Override
    public synchronized boolean set(NodeRuntime node, String name, String value) {
        return settings.set(backendNode(node), name, value);
    }

    @Override
    public synchronized boolean reset(NodeRuntime node, String name) {
        return settings.reset(backendNode(node), name);
    }

    @Override
    public String createLogicalSlot(String slot, String plugin, boolean failover) {
        return logicalSlots.createOnPrimary(topology.primary(), slot, plugin, failover);
    }

    @Override
    public String createLogicalSlot(NodeRuntime standby, String slot, String plugin) {
        return logicalSlots.createOnStandby(backendNode(standby), slot, plugin);
    }

    @Override
    public void awaitSlotSynced(NodeRuntime standby, String slot, Duration timeout) {
        logicalSlots.awaitSynced(backendNode(standby), slot, timeout);
    }

    @Override
    public void awaitSlotCatchup(NodeRuntime node, String slot, Duration timeout) {
        logicalSlots.awaitCatchup(backendNode(node), slot, timeout);
    }

    @Override
    public synchronized String advanceWal(int segments) {
        return logicalSlots.advanceWal(topology.primary(), segments);
    }

    @Override
    public synchronized void subscribe(RunningCluster publisher, String publication, String subscription, Duration timeout) {
        if (!(publisher instanceof EngineCluster source)) {
            throw new IllegalArgumentException("subscribe: the publisher is no cluster of this library: " + publisher);
        }
        subscriptions.subscribe(source, publication, subscription, timeout);
    }

    @Override
    public void awaitSubscription(String subscription, Duration timeout) {
        subscriptions.awaitApplied(subscription, timeout);
    }

    ClusterSpec spec() {
        return spec;
    }

    BackendNode primaryNode() {
        return topology.primary();
    }

    BackendCluster backendCluster() {
        return backend;
    }

    Databases databases() {
        return databases;
    }

    /** Every node's log tail, each headed by its name, for failure messages. */
    public String logTails(int lines) {
        StringBuilder tails = new StringBuilder();
        for (BackendNode node : topology.nodes()) {
            tails.append("\n--- last lines of the server log of ").append(node.name()).append(" ---\n");
            try {
                node.logTail(lines).forEach(line -> tails.append(line).append('\n'));
            } catch (RuntimeException unreadable) {
                tails.append("(unreadable: ").append(unreadable.getMessage()).append(")\n");
            }
        }
        return tails.toString();
    }

    /** Idempotent: the test's close and the shutdown hook may both come. */
    @Override
    public Optional<String> close(boolean keepEvidence) {
        if (!closed.compareAndSet(false, true)) {
            return Optional.empty();
        }
        OpenClusters.remove(this);
        if (clients != null) {
            clients.close();
        }
        return backend.close(keepEvidence);
    }
}
