package dev.hotstandby.engine;

import dev.hotstandby.ClusterRefreshException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.internal.LinkFaults;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    private final PristineDatabases pristine = new PristineDatabases();
    /** The fingerprint of the declared state: taken once, when the cluster was prepared for refreshes. */
    private volatile List<String> declared;
    /** Attached after a run that may have left it promoted: a refresh checks the roles before it trusts them. */
    private volatile boolean topologyUnknown;
    private final List<EngineNode> nodes;
    /** Nodes killed and not started since: describe() tells a crash from a stop. */
    private final Set<BackendNode> killed = ConcurrentHashMap.newKeySet();
    /** Null without {@code clientFaults}. */
    private final ClientRelays clients;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Lifetime lifetime;

    private EngineCluster(BackendCluster backend, Lifetime lifetime) {
        this.lifetime = lifetime;
        this.spec = backend.spec();
        this.backend = backend;
        this.topology = Topology.initial(spec, backend.nodes());
        this.files = new NodeFiles(spec, topology, backend.replicationUser(), backend::linkAddress);
        this.slots = Slots.of(spec);
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
        return start(backend, Lifetime.JVM);
    }

    /** As {@link #start(BackendCluster)}, for a cluster that lives as {@code lifetime} says. */
    public static EngineCluster start(BackendCluster backend, Lifetime lifetime) {
        EngineCluster cluster = new EngineCluster(backend, lifetime);
        OpenClusters.add(cluster);
        try {
            cluster.setUp(false);
            return cluster;
        } catch (RuntimeException | Error failure) {
            String logs = cluster.logTails(20);
            // a reuse entry stays for the caller: a retried start uses it again
            cluster.closeServers(false);
            if (failure instanceof RetryableStartException) {
                throw failure;
            }
            throw new ClusterStartException(cluster.spec.owner() + ": the cluster did not start" + backend.where() + ": "
                    + failure.getMessage() + "\n(everything it had started was stopped and removed)" + logs, failure);
        }
    }

    /**
     * The engine over a cluster an earlier run kept in {@code entry} ({@link #writeReuseRecord} wrote its
     * record), its servers running or not: the copies and the declared fingerprint as that run took
     * them, every standby pointed at its upstream again (the relays of the former JVM are gone).
     * Nothing is checked yet: the caller refreshes it, which does.
     */
    public static EngineCluster attach(BackendCluster backend, ReuseEntry entry) {
        EngineCluster cluster = new EngineCluster(backend, Lifetime.reused(entry));
        java.util.Properties record = entry.record();
        cluster.pristine.fromRecord(record.getProperty(RECORD_PRISTINE, ""));
        String declared = record.getProperty(RECORD_DECLARED, "");
        cluster.declared = declared.isEmpty() ? null : List.of(declared.split("\n"));
        cluster.topologyUnknown = !"declared".equals(record.getProperty(RECORD_TOPOLOGY));
        cluster.files.slotsExist();
        OpenClusters.add(cluster);
        backend.attached(cluster.topology);
        for (BackendNode standby : cluster.topology.standbys()) {
            if (standby.isServerRunning()) {
                cluster.files.pointAt(standby, cluster.topology.upstreamOf(standby));
                Sql.reload(standby);
            }
        }
        StartupTrace.mark("standbys pointed at their upstreams");
        if (!cluster.topologyUnknown) {
            cluster.awaitReconnected();
        }
        return cluster;
    }

    /** How long an attached cluster's standbys get to stream again before its refresh goes ahead anyway. */
    private static final Duration RECONNECT = Duration.ofSeconds(10);

    /**
     * The standbys of an attached cluster stream again before its refresh re-creates the databases:
     * that writes much WAL, which the primary may recycle (no slots by default) before a standby
     * still dialing its new link has it, and the standby would never catch up. One that does not
     * stream in time is left to the refresh, which boots the servers again.
     */
    private void awaitReconnected() {
        Duration timeout = spec.startTimeout().compareTo(RECONNECT) < 0 ? spec.startTimeout() : RECONNECT;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (BackendNode standby : topology.standbys()) {
                if (standby.isServerRunning()) {
                    contract.awaitStreaming(standby, Waits.remaining(deadline));
                }
            }
        } catch (RuntimeException notStreaming) {
            NodeLog.forCluster(spec.owner()).info("an attached standby does not stream yet: " + notStreaming.getMessage());
        }
    }

    private static final String RECORD_PRISTINE = "engine.pristine";
    private static final String RECORD_DECLARED = "engine.declared";
    private static final String RECORD_TOPOLOGY = "engine.topology";

    /** Its entry, for a cluster kept for reuse. */
    public java.util.Optional<ReuseEntry> reuseEntry() {
        return lifetime.reuse();
    }

    /**
     * What a later JVM needs to attach: the engine's part (the copies, the declared fingerprint,
     * whether the topology is as declared) and the backend's; written into the entry.
     */
    public synchronized void writeReuseRecord() {
        ReuseEntry entry = lifetime.reuse().orElseThrow();
        java.util.Properties record = new java.util.Properties();
        record.setProperty("key", ReuseRegistry.key(spec));
        record.setProperty("backend", spec.backend().name());
        record.setProperty(RECORD_PRISTINE, pristine.toRecord());
        record.setProperty(RECORD_DECLARED, declared == null ? "" : String.join("\n", declared));
        record.setProperty(RECORD_TOPOLOGY, topology.changed() || topologyUnknown ? "changed" : "declared");
        backend.reuseRecord().forEach((name, value) -> record.setProperty("backend." + name, value));
        entry.writeRecord(record);
    }

    /**
     * The end of this JVM for a cluster kept for reuse: its record brought up to date, what lives in
     * this JVM closed, the servers left running, the entry handed back for the next run.
     */
    synchronized void detach() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        OpenClusters.remove(this);
        try {
            writeReuseRecord();
            if (clients != null) {
                clients.close();
            }
            backend.detach();
        } finally {
            lifetime.reuse().ifPresent(ReuseEntry::release);
        }
    }

    @Override
    public boolean keptForNextRun() {
        return lifetime.reuse().isPresent();
    }

    /** Closed at the end of the JVM: detached when kept for reuse, else stopped and removed. */
    void closeAtJvmEnd() {
        if (lifetime.reuse().isPresent() && pristine.taken()) {
            detach();
        } else {
            close(false);
        }
    }

    /**
     * The boot (or, for a refresh, the boot again in place) and everything the start contract asks
     * of it: the standbys' slots, the slot sync workers, every standby streaming and caught up, then
     * the application's role, database and init scripts replayed on every standby.
     */
    private void setUp(boolean again) {
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        if (again) {
            backend.reboot(topology, files);
        } else {
            backend.boot(topology, files);
        }
        for (BackendNode standby : topology.standbys()) {
            slots.ensure(topology.upstreamOf(standby), standby);
        }
        files.slotsExist();
        StartupTrace.mark("slots ensured");
        if (spec.replication().failoverSlots(spec.major())) {
            logicalSlots.startSlotSync(files, topology.standbys(), Waits.remaining(deadline));
        }
        contract.await(topology.standbys(), Waits.remaining(deadline));
        Slots.releaseStartSlots(topology.nodes().stream().filter(node -> !topology.followersOf(node).isEmpty()).toList());
        StartupTrace.mark("start contract holds");
        ApplicationSetup application = new ApplicationSetup(spec.application());
        if (application.hasWork()) {
            application.run(topology.primary(), backend.password());
            // the init scripts' changes are on every standby before the first test
            contract.awaitReplayed(topology.standbys(), Waits.remaining(deadline));
        }
    }

    /**
     * Makes {@link #refresh} cheap: copies of the databases as they are now (just started), and the
     * fingerprint a refresh must restore. A cluster that is shared does this once it has started.
     */
    @Override
    public synchronized void prepareRefresh() {
        if (pristine.taken()) {
            return;
        }
        topology.nodes().forEach(BackendNode::closeSession);
        try (DatabaseSession maintenance = databases.session(topology.primary(), "template1")) {
            pristine.take(maintenance, spec.major());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(spec.owner() + ": cannot copy the databases for later refreshes: " + e.getMessage(), e);
        }
        contract.awaitReplayed(topology.standbys(), spec.startTimeout());
        afterDatabasesReplaced();
        if (declared == null) {
            declared = fingerprint();
        }
    }

    /**
     * Back to the declared state (docs/shared-clusters.md): the faults lifted, then a
     * data-only refresh where the topology is as declared, else the servers booted again in place;
     * afterwards the fingerprint must equal the declared one. A data-only refresh that does not get
     * there is followed by a boot again; if that does not either, this throws.
     *
     * @return how it was done
     * @throws ClusterRefreshException naming what differs from the declared state
     */
    @Override
    public synchronized RefreshKind refresh() {
        killed.clear();
        links.clearAll();
        if (clients != null) {
            clients.clear();
        }
        RefreshKind kind = topology.changed() || !pristine.taken() || !rolesAsDeclared() ? RefreshKind.BOOTED_AGAIN
                : RefreshKind.DATA;
        String failure = null;
        if (kind == RefreshKind.DATA) {
            try (DatabaseSession maintenance = databases.session(topology.primary(), "template1")) {
                new DataRefresh(spec, topology, contract, databases, pristine, slots).run(maintenance);
                afterDatabasesReplaced();
                failure = differenceFromDeclared(maintenance);
                StartupTrace.mark("refresh: fingerprint compared");
            } catch (java.sql.SQLException | RuntimeException dataRefreshFailed) {
                failure = dataRefreshFailed.getMessage();
            }
            if (failure == null) {
                return kind;
            }
            NodeLog.forCluster(spec.owner()).warn("a data-only refresh did not restore the declared state, so the servers"
                    + " are booted again: " + failure);
            kind = RefreshKind.BOOTED_AGAIN;
        }
        try {
            bootAgain();
        } catch (RuntimeException cannotBoot) {
            throw new ClusterRefreshException(spec.owner() + ": the refresh could not boot the cluster again" + backend.where()
                    + ": " + cannotBoot.getMessage() + logTails(20), cannotBoot);
        }
        failure = differenceFromDeclared(null);
        StartupTrace.mark("refresh: fingerprint compared");
        if (failure != null) {
            throw new ClusterRefreshException(spec.owner() + ": after the refresh the cluster still differs from its"
                    + " declared state:\n" + failure);
        }
        return kind;
    }

    /** The standbys' slot sync workers lost their connection to a database that was copied or dropped. */
    private void afterDatabasesReplaced() {
        if (spec.replication().failoverSlots(spec.major())) {
            logicalSlots.restartSlotSync(topology.standbys(), spec.startTimeout());
            contract.await(topology.standbys(), spec.startTimeout());
        }
    }

    /**
     * Whether every running node is what the topology says (primary or in recovery): a test may have
     * promoted one with SQL, and a cluster attached after a killed run may be left promoted.
     */
    private boolean rolesAsDeclared() {
        for (BackendNode node : topology.nodes()) {
            if (!node.isServerRunning()) {
                continue;
            }
            try {
                boolean inRecovery = "t".equals(node.query("SELECT pg_is_in_recovery()"));
                if (inRecovery != topology.isStandby(node)) {
                    return false;
                }
            } catch (java.sql.SQLException unreachable) {
                return false;
            }
        }
        topologyUnknown = false;
        return true;
    }

    /** Every server stopped and booted again in place, with the declared topology, then prepared for the next refresh. */
    private void bootAgain() {
        topology.reset();
        files.reset();
        pristine.forget();
        setUp(true);
        StartupTrace.mark("refresh: booted again");
        prepareRefresh();
        StartupTrace.mark("refresh: databases copied");
    }

    private String differenceFromDeclared(DatabaseSession template1) {
        List<String> now = fingerprint(template1);
        if (declared == null) {
            declared = now;
            return null;
        }
        return declared.equals(now) ? null : Fingerprint.differences(declared, now);
    }

    @Override
    public List<String> fingerprint() {
        return fingerprint(null);
    }

    private List<String> fingerprint(DatabaseSession template1) {
        return new Fingerprint(topology, databases).lines(links.faults(), clients == null ? List.of() : clients.faulted(),
                template1);
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
        killed.add(backendNode(node));
    }

    @Override
    public void start(NodeRuntime node) {
        backendNode(node).startServer(spec.startTimeout());
        killed.remove(backendNode(node));
    }

    @Override
    public String describe(boolean brief) {
        return new ClusterDescription(topology, spec.major(), killed, links.faults(),
                clients == null ? List.of() : clients.faulted()).table(brief);
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

    /**
     * Idempotent: the test's close and the shutdown hook may both come. A cluster kept for reuse
     * leaves its entry too: it is gone, or kept as evidence elsewhere.
     */
    @Override
    public Optional<String> close(boolean keepEvidence) {
        try {
            return closeServers(keepEvidence);
        } finally {
            lifetime.reuse().ifPresent(ReuseEntry::remove);
        }
    }

    private Optional<String> closeServers(boolean keepEvidence) {
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
