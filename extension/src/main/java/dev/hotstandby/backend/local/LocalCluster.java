package dev.hotstandby.backend.local;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.BackendCluster;
import dev.hotstandby.engine.BackendNode;
import dev.hotstandby.engine.Endpoint;
import dev.hotstandby.engine.ParameterCatalog;
import dev.hotstandby.engine.Members;
import dev.hotstandby.engine.EvidenceRoot;
import dev.hotstandby.engine.NodeFiles;
import dev.hotstandby.engine.LinkAddress;
import dev.hotstandby.engine.Lifetime;
import dev.hotstandby.internal.Passwords;
import dev.hotstandby.internal.ScramVerifier;
import dev.hotstandby.engine.Sql;
import dev.hotstandby.engine.StartupTrace;
import dev.hotstandby.engine.Topology;
import dev.hotstandby.internal.Trees;
import dev.hotstandby.engine.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A primary and its standbys as local processes sharing one cluster directory: every data directory
 * a copy of the cached template, standbys streaming over the private Unix socket directory.
 */
final class LocalCluster implements BackendCluster {
    private final ClusterSpec spec;
    private final Path directory;
    private final Path sockets;
    private final Path archive;
    private final Workspace workspace;
    private final Template template;
    private final List<LocalNode> nodes = new ArrayList<>();
    private final String password;
    private final int major;
    private final PostgresBinaries binaries;
    private final ReplicationLinks links;
    private boolean closed;

    private LocalCluster(ClusterSpec spec, PostgresBinaries binaries, Template template, Workspace workspace, Path directory,
                         String password) {
        this.spec = spec;
        this.major = binaries.major();
        this.binaries = binaries;
        this.template = template;
        this.workspace = workspace;
        this.directory = directory;
        this.password = password;
        this.sockets = directory.resolve("s");
        this.archive = directory.resolve("archive");
        this.links = new ReplicationLinks(directory.resolve("r"));
    }

    /** The nodes with their reserved ports; nothing runs yet. The engine boots it. */
    static LocalCluster create(ClusterSpec spec, PostgresBinaries binaries, Template template, Workspace workspace,
                               PortReservations ports, Lifetime lifetime) {
        // kept for reuse, it lives in its entry, where neither this JVM's watchdog nor the reaper looks
        Path directory = lifetime.reuse().map(entry -> Workspace.privateDir(entry.directory().resolve(IN_ENTRY)))
                .orElseGet(() -> Ownership.newClusterDirectory(workspace));
        lifetime.reuse().ifPresent(entry -> entry.writeTeardown(Ownership.teardownScript(IN_ENTRY)));
        LocalCluster cluster = new LocalCluster(spec, binaries, template, workspace, directory,
                spec.application().passwordOr(Passwords::generate));
        try {
            StartupTrace.mark("cluster directory made");
            cluster.nodes.add(cluster.node(ClusterSpec.PRIMARY_NAME, ports));
            for (int i = 0; i < spec.standbys(); i++) {
                cluster.nodes.add(cluster.node(ClusterSpec.standbyName(i), ports));
            }
            StartupTrace.mark("ports reserved");
            return cluster;
        } catch (RuntimeException | Error failure) {
            cluster.close(false);
            throw failure;
        }
    }

    private LocalNode node(String name, PortReservations ports) {
        return node(name, ports.reserve());
    }

    private LocalNode node(String name, PortReservations.Port port) {
        return new LocalNode(name, directory.resolve(name), binaries, port, sockets, archive);
    }

    /** The cluster's directory in its reuse entry. */
    private static final String IN_ENTRY = "cluster";
    private static final String RECORD_PASSWORD = "password";
    private static final String RECORD_BINARIES = "binaries";

    /**
     * What an earlier run left in {@code entry}: the same binaries, each node's port reserved again and
     * its running server adopted (a node whose server is gone counts as stopped); empty when the
     * directory is gone, the binaries differ, or a port is reserved by another JVM.
     */
    static Optional<LocalCluster> attach(ClusterSpec spec, PostgresBinaries binaries, Template template, Workspace workspace,
                                         PortReservations ports, dev.hotstandby.engine.ReuseEntry entry) {
        java.util.Properties record = entry.record();
        Path directory = entry.directory().resolve(IN_ENTRY);
        if (!Files.isDirectory(directory) || !binaries.key().equals(record.getProperty("backend." + RECORD_BINARIES))) {
            return Optional.empty();
        }
        LocalCluster cluster = new LocalCluster(spec, binaries, template, workspace, directory,
                record.getProperty("backend." + RECORD_PASSWORD));
        List<String> names = spec.nodeNames();
        for (String name : names) {
            String port = record.getProperty("backend.port." + name, "");
            PortReservations.Port reserved = port.isEmpty() ? null : ports.reserve(Integer.parseInt(port));
            if (reserved == null) {
                cluster.nodes.forEach(LocalNode::releasePort);
                return Optional.empty();
            }
            LocalNode node = cluster.node(name, reserved);
            node.adoptRunningServer();
            cluster.nodes.add(node);
        }
        return Optional.of(cluster);
    }

    @Override
    public java.util.Map<String, String> reuseRecord() {
        java.util.Map<String, String> record = new java.util.LinkedHashMap<>();
        record.put(RECORD_PASSWORD, password);
        record.put(RECORD_BINARIES, binaries.key());
        nodes.forEach(node -> record.put("port." + node.name(), String.valueOf(node.port())));
        return record;
    }

    /** The servers run on; this JVM's sessions, relays and port reservations end. */
    @Override
    public synchronized void detach() {
        closed = true;
        for (LocalNode node : nodes) {
            node.releasePort();
        }
        links.close();
    }

    @Override
    public ClusterSpec spec() {
        return spec;
    }

    @Override
    public List<LocalNode> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public String username() {
        return TemplateCache.SUPERUSER;
    }

    @Override
    public String password() {
        return password;
    }

    /** Over the trusted private socket: standbys need no password. */
    @Override
    public String replicationUser() {
        return TemplateCache.SUPERUSER;
    }

    /**
     * Copies of the template (prepared in the background), each node's files, every server spawned
     * at once; then this cluster's own password: the template has none, so TCP logins are impossible
     * until now. The engine's start contract then sees the standbys replay it.
     */
    @Override
    public void boot(Topology topology, NodeFiles files) {
        Workspace.privateDir(sockets);
        nodes.forEach(node -> Workspace.privateDir(node.dataDir().getParent()));
        if (spec.replication().archiving()) {
            Workspace.privateDir(archive);
        }
        SpareCopies spares = SpareCopies.of(template, Ownership.ownDirectory(workspace));
        StartupTrace.mark("directories made");
        spares.fill(nodes.stream().map(LocalNode::dataDir).toList());
        StartupTrace.mark("template copied");
        nodes.forEach(files::configure);
        StartupTrace.mark("node files written");
        nodes.forEach(LocalNode::spawn);
        StartupTrace.mark("servers spawned");
        awaitReady();
        StartupTrace.mark("servers ready");
        BackendNode primary = topology.primary();
        Sql.single(primary, "SET synchronous_commit = local");
        Sql.single(primary, "ALTER ROLE " + TemplateCache.SUPERUSER + " PASSWORD "
                + Sql.literal(ScramVerifier.of(password)));
        Sql.single(primary, "RESET synchronous_commit");
        StartupTrace.mark("password set");
        spares.replenish(nodes.size());
    }

    /**
     * Every server ended at once (an immediate shutdown: the data goes anyway), the data directories
     * removed, then booted as the first time: from copies of the template, on the same ports.
     */
    @Override
    public void reboot(Topology topology, NodeFiles files) {
        nodes.forEach(node -> node.releaseSharedMemoryOfACrash(spec.startTimeout()));
        List<Long> pids = nodes.stream().filter(LocalNode::isRunning).map(LocalNode::pid).toList();
        Signals.send(Signals.IMMEDIATE_SHUTDOWN, pids);
        for (LocalNode node : nodes) {
            node.closeSession();
            if (!node.awaitExit(60, TimeUnit.SECONDS)) {
                node.killForcibly();
                node.awaitExit(10, TimeUnit.SECONDS);
            }
            Trees.delete(node.dataDir());
        }
        // a later timeline's history file there would lead the new standbys off timeline 1
        Trees.delete(archive);
        StartupTrace.mark("servers ended, data removed");
        boot(topology, files);
    }

    /** Every server ready; one that exits fails at once, as a port collision where another process took its port. */
    private void awaitReady() {
        Waits.until("every node accepts connections", spec.startTimeout(), () -> {
            for (LocalNode node : nodes) {
                if (!node.isRunning()) {
                    String log = String.join("\n", node.logTail(40));
                    if (log.contains("could not bind") || log.contains("Address already in use")) {
                        throw new PortCollision(node.name() + " could not bind port " + node.port());
                    }
                    throw new ClusterStartException(node.name() + " exited during start-up");
                }
            }
            return nodes.stream().allMatch(LocalNode::isReady);
        }, () -> "not ready: " + nodes.stream().filter(node -> !node.isReady()).map(LocalNode::name).toList());
    }

    @Override
    public Optional<ParameterCatalog> parameterCatalog() {
        return Optional.of(DescribeConfig.catalog(binaries));
    }

    @Override
    public boolean canRewind() {
        return ServerTools.has(binaries, "pg_rewind");
    }

    @Override
    public ToolRun runAsServerUser(BackendNode node, String tool, List<String> arguments) {
        return ServerTools.run(binaries, tool, arguments);
    }

    @Override
    public String dataDirectory(BackendNode node) {
        return local(node).dataDir().toString();
    }

    /** Through the source's private socket, where the superuser is trusted. */
    @Override
    public String toolConninfo(BackendNode node, BackendNode source) {
        return "host=" + LocalNode.quote(sockets.toString()) + " port=" + source.port() + " user="
                + TemplateCache.SUPERUSER + " dbname=postgres";
    }

    @Override
    public void removeReplicationSlots(BackendNode node) {
        ServerTools.emptySlots(local(node).dataDir());
    }

    @Override
    public void noteInLog(BackendNode node, String text) {
        ServerTools.note(local(node), text);
    }

    /** A live copy between the low-level backup API's start and stop: the same data pg_basebackup would stream. */
    @Override
    public void reseed(BackendNode node, BackendNode source) {
        LocalNode rejoining = local(node);
        LocalNode primary = local(source);
        rejoining.releaseSharedMemoryOfACrash(spec.startTimeout());
        rejoining.stop();
        Trees.delete(rejoining.dataDir());
        Workspace.privateDir(rejoining.dataDir());
        try {
            // one session: the backup started by the first statement belongs to it
            try (SocketSession session = SocketSession.open(sockets, primary.port(), TemplateCache.SUPERUSER)) {
                session.query(major >= 15 ? "SELECT pg_backup_start('hotstandby rejoin', true)"
                        : "SELECT pg_start_backup('hotstandby rejoin', true, false)");
                LiveCopy.copy(primary.dataDir(), rejoining.dataDir());
                String label = session.query(major >= 15 ? "SELECT labelfile FROM pg_backup_stop(true)"
                        : "SELECT labelfile FROM pg_stop_backup(false, true)");
                rejoining.write(rejoining.dataDir().resolve("backup_label"), label);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take a base backup of " + primary.name() + " for " + rejoining.name()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Every standby streams through a relay of the test JVM ({@link ReplicationLinks}). */
    @Override
    public LinkAddress linkAddress(BackendNode standby, BackendNode upstream) {
        return links.address(local(standby), local(upstream));
    }

    /**
     * The cut: the standby's relay stops moving bytes and keeps both sockets open, as a network
     * partition does; each side notices after its timeout (wal_sender_timeout, wal_receiver_timeout).
     */
    @Override
    public void cut(BackendNode standby, BackendNode upstream) {
        links.faultsOf(local(standby)).cut(true);
    }

    /** Another cluster's local servers reach this one's over loopback TCP, with the password, as the tests do. */
    @Override
    public Optional<Endpoint> endpointFor(BackendNode node, BackendCluster client) {
        return client instanceof LocalCluster ? Optional.of(new Endpoint(node.host(), node.port())) : Optional.empty();
    }

    @Override
    public void heal(BackendNode standby, BackendNode upstream) {
        links.faultsOf(local(standby)).cut(false);
    }

    @Override
    public void delayLink(BackendNode standby, BackendNode upstream, Duration oneWay) {
        links.faultsOf(local(standby)).delay(oneWay);
    }

    @Override
    public void limitLink(BackendNode standby, BackendNode upstream, long bytesPerSecond) {
        links.faultsOf(local(standby)).limit(bytesPerSecond);
    }

    @Override
    public void resetLink(BackendNode standby, BackendNode upstream) {
        links.reset(local(standby));
    }

    private LocalNode local(BackendNode node) {
        return Members.of(node, nodes);
    }

    @Override
    public synchronized Optional<String> close(boolean keepEvidence) {
        if (closed) {
            return Optional.empty();
        }
        closed = true;
        if (!keepEvidence) {
            nodes.forEach(node -> node.releaseSharedMemoryOfACrash(spec.startTimeout()));
        }
        List<Long> pids = nodes.stream().filter(LocalNode::isRunning).map(LocalNode::pid).toList();
        Signals.send(keepEvidence ? Signals.FAST_SHUTDOWN : Signals.IMMEDIATE_SHUTDOWN, pids);
        for (LocalNode node : nodes) {
            if (!node.awaitExit(60, TimeUnit.SECONDS)) {
                node.killForcibly();
                node.awaitExit(10, TimeUnit.SECONDS);
            }
            node.releasePort();
        }
        links.close();
        if (!keepEvidence) {
            Trees.delete(directory);
            return Optional.empty();
        }
        return Optional.of(keep().toString());
    }

    /** Moves the stopped cluster out of this JVM's directory, where neither watchdog nor reaper looks. */
    private Path keep() {
        Path kept = EvidenceRoot.keptClusterDirectory(spec.owner(), directory.getFileName().toString());
        try {
            Files.move(directory, kept);
            return kept;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep " + directory + " in " + kept, e);
        }
    }
}
