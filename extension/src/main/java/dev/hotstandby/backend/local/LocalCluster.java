package dev.hotstandby.backend.local;

import dev.hotstandby.engine.Passwords;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.Lsn;
import dev.hotstandby.engine.NodeRuntime;
import dev.hotstandby.engine.RunningCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A primary and its standbys as local processes, sharing one cluster directory. */
final class LocalCluster implements RunningCluster {
    private static final Set<LocalCluster> OPEN = ConcurrentHashMap.newKeySet();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(cluster -> cluster.close(false)),
                "hotstandby-shutdown"));
    }

    private final ClusterSpec spec;
    private final Path directory;
    private final Path sockets;
    private final Workspace workspace;
    private final List<LocalNode> nodes = new ArrayList<>();
    /** Which node each standby streams from: the primary, or another standby when cascading. */
    private final Map<LocalNode, LocalNode> upstreams = new ConcurrentHashMap<>();
    private final String password = Passwords.generate();
    private final int major;
    private final PostgresBinaries binaries;
    private final NodeConfigs configs;
    private boolean closed;

    private LocalCluster(ClusterSpec spec, PostgresBinaries binaries, Path directory, Workspace workspace) {
        this.spec = spec;
        this.major = binaries.major();
        this.binaries = binaries;
        this.directory = directory;
        this.sockets = directory.resolve("s");
        this.workspace = workspace;
        this.configs = new NodeConfigs(spec, major, sockets, directory.resolve("archive"), upstreams);
    }

    static LocalCluster start(ClusterSpec spec, PostgresBinaries binaries, Template template, Workspace workspace,
                              PortReservations ports) {
        LocalCluster cluster = new LocalCluster(spec, binaries, Ownership.newClusterDirectory(workspace), workspace);
        try {
            cluster.boot(template, ports);
            OPEN.add(cluster);
            return cluster;
        } catch (RuntimeException | Error failure) {
            String logs = cluster.logTails();
            cluster.close(false);
            if (failure instanceof PortCollision) {
                throw failure;
            }
            throw new ClusterStartException(spec.owner() + ": the cluster did not start: " + failure.getMessage()
                    + "\n(everything started was stopped and removed)" + logs, failure);
        }
    }

    private void boot(Template template, PortReservations ports) {
        Workspace.privateDir(sockets);
        nodes.add(new LocalNode(ClusterSpec.PRIMARY_NAME, LocalNode.Role.PRIMARY, directory.resolve(ClusterSpec.PRIMARY_NAME),
                binaries, ports.reserve()));
        for (int i = 0; i < spec.standbys(); i++) {
            String name = ClusterSpec.standbyName(i);
            nodes.add(new LocalNode(name, LocalNode.Role.STANDBY, directory.resolve(name), binaries, ports.reserve()));
        }
        for (int i = 0; i < spec.standbys(); i++) {
            int upstream = spec.replication().upstreamOf(i);
            upstreams.put(nodes.get(1 + i), nodes.get(upstream + 1));
        }
        nodes.forEach(node -> Workspace.privateDir(node.dataDir().getParent()));
        if (spec.replication().archiving()) {
            Workspace.privateDir(configs.archive());
        }
        SpareCopies spares = SpareCopies.of(template, Ownership.ownDirectory(workspace));
        spares.fill(nodes.stream().map(LocalNode::dataDir).toList());
        nodes.forEach(configs::configure);
        nodes.forEach(LocalNode::spawn);
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        awaitReady(deadline);
        if (spec.replication().replicationSlots()) {
            upstreams.forEach(this::createSlot);
        }
        setPasswordAndAwaitStandbys(deadline);
        spares.replenish(nodes.size());
    }

    private void createSlot(LocalNode standby, LocalNode upstream) {
        try (SocketSession session = SocketSession.open(sockets, upstream.port(), TemplateCache.SUPERUSER)) {
            session.query("SELECT pg_create_physical_replication_slot('" + NodeConfigs.slotName(standby) + "', true)");
        } catch (SQLException e) {
            throw new ClusterStartException("cannot create the replication slot of " + standby.name() + " on "
                    + upstream.name() + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady(long deadline) {
        List<LocalNode> waiting = new ArrayList<>(nodes);
        while (!waiting.isEmpty()) {
            waiting.removeIf(LocalNode::isReady);
            for (LocalNode node : waiting) {
                if (!node.isRunning()) {
                    String log = String.join("\n", node.logTail(40));
                    if (log.contains("could not bind") || log.contains("Address already in use")) {
                        throw new PortCollision(node.name() + " could not bind port " + node.port());
                    }
                    throw new ClusterStartException(node.name() + " exited during start-up");
                }
            }
            if (!waiting.isEmpty()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ClusterStartException("not ready within " + spec.startTimeout() + ": " + waiting);
                }
                TemplateCache.sleepBriefly();
            }
        }
    }

    /**
     * Sets this cluster's own password (the template has none: TCP logins are impossible until
     * now), then watches every standby replay that change over the private sockets, where no
     * password is needed. Once they have, every node takes the new password and streams.
     */
    private void setPasswordAndAwaitStandbys(long deadline) {
        try {
            Lsn target;
            try (SocketSession primary = SocketSession.open(sockets, primary().port(), TemplateCache.SUPERUSER)) {
                primary.query("SET synchronous_commit = local");
                primary.query("ALTER ROLE " + TemplateCache.SUPERUSER + " PASSWORD '" + password + "'");
                target = Lsn.parse(primary.query("SELECT pg_current_wal_flush_lsn()::text"));
            }
            for (LocalNode standby : nodes.subList(1, nodes.size())) {
                try (SocketSession session = SocketSession.open(sockets, standby.port(), TemplateCache.SUPERUSER)) {
                    awaitReplay(standby, session, target, deadline);
                }
            }
        } catch (SQLException e) {
            throw new ClusterStartException("cannot talk to the servers: " + e.getMessage(), e);
        }
    }

    private void awaitReplay(LocalNode standby, SocketSession session, Lsn target, long deadline) throws SQLException {
        while (true) {
            String replayed = session.query("SELECT pg_last_wal_replay_lsn()::text");
            if (replayed != null && Lsn.parse(replayed).isAtLeast(target)) {
                return;
            }
            if (!standby.isRunning()) {
                throw new ClusterStartException(standby.name() + " exited while catching up");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ClusterStartException(standby.name() + " did not stream from the primary within "
                        + spec.startTimeout() + ": replayed up to " + replayed + ", primary at " + target);
            }
            TemplateCache.sleepBriefly();
        }
    }

    private LocalNode primary() {
        return nodes.stream().filter(LocalNode::isPrimary).findFirst().orElseThrow();
    }

    @Override
    public void stop(NodeRuntime node) {
        local(node).stop();
    }

    @Override
    public void kill(NodeRuntime node) {
        local(node).crash();
    }

    @Override
    public void start(NodeRuntime node) {
        local(node).startAndAwaitReady(spec.startTimeout());
    }

    /**
     * {@code pg_promote(false)} (a signal and a file on 11 and older, as pg_ctl does), then a 1 ms
     * poll of {@code pg_is_in_recovery()} over the socket: no 100 ms steps. The other standbys are
     * re-pointed at the new primary: a reload from 13 on, a restart before.
     */
    @Override
    public synchronized void promote(NodeRuntime node) {
        LocalNode promoted = local(node);
        LocalNode former = primary();
        try (SocketSession session = SocketSession.open(sockets, promoted.port(), TemplateCache.SUPERUSER)) {
            if (major >= 12) {
                session.query("SELECT pg_promote(false)");
            } else {
                promoted.write(promoted.dataDir().resolve("promote"), "");
                Signals.send("USR1", List.of(promoted.pid()));
            }
            long deadline = System.nanoTime() + spec.startTimeout().toNanos();
            while ("t".equals(session.query("SELECT pg_is_in_recovery()"))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ClusterStartException(promoted.name() + " was not promoted within " + spec.startTimeout()
                            + ":\n" + String.join("\n", promoted.logTail(20)));
                }
                TemplateCache.sleepBriefly();
            }
        } catch (SQLException e) {
            throw new ClusterStartException("cannot promote " + promoted.name() + ": " + e.getMessage(), e);
        }
        former.setRole(LocalNode.Role.FORMER_PRIMARY);
        promoted.setRole(LocalNode.Role.PRIMARY);
        upstreams.remove(promoted);
        upstreams.remove(former);
        upstreams.replaceAll((standby, upstream) -> upstream == former || upstream == promoted ? promoted : upstream);
        promoted.writeNodeConf(sockets, configs.nodeSettings(promoted));
        reload(promoted);
        for (LocalNode follower : nodes.stream().filter(LocalNode::isStandby).filter(n -> upstreams.get(n) == promoted).toList()) {
            if (spec.replication().replicationSlots()) {
                createSlot(follower, promoted);
            }
            configs.writeStandbySettings(follower, promoted);
            if (major >= 13 && follower.isRunning()) {
                reload(follower);
            } else if (follower.isRunning()) {
                follower.stop();
                follower.startAndAwaitReady(spec.startTimeout());
            }
        }
    }

    /**
     * Turns a former primary into a standby of the current primary: pg_rewind where the binaries
     * have it, else (or if it fails) a re-seed with the low-level backup API.
     */
    @Override
    public synchronized void rejoin(NodeRuntime node) {
        LocalNode rejoining = local(node);
        LocalNode primary = primary();
        if (!(Rewind.available(binaries) && rewind(rejoining, primary))) {
            reseed(rejoining, primary);
        }
        rejoining.setRole(LocalNode.Role.STANDBY);
        upstreams.put(rejoining, primary);
        if (spec.replication().replicationSlots()) {
            createSlot(rejoining, primary);
        }
        // after a rewind this also replaces the primary's node.conf and standby.conf, which came along
        configs.configure(rejoining);
        rejoining.startAndAwaitReady(spec.startTimeout());
        awaitStreaming(rejoining, primary);
        primary.writeNodeConf(sockets, configs.nodeSettings(primary));
        reload(primary);
    }

    /**
     * Ready is not enough: a node still ahead on the old timeline is ready too, but its upstream
     * never lets it stream. pg_stat_replication there has to say so.
     */
    private void awaitStreaming(LocalNode standby, LocalNode upstream) {
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        try (SocketSession session = SocketSession.open(sockets, upstream.port(), TemplateCache.SUPERUSER)) {
            while (!"streaming".equals(session.query("SELECT state FROM pg_stat_replication WHERE application_name = '"
                    + standby.name() + "'"))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ClusterStartException(standby.name() + " does not stream from " + upstream.name()
                            + " within " + spec.startTimeout() + ":\n" + String.join("\n", standby.logTail(30)));
                }
                TemplateCache.sleepBriefly();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot ask " + upstream.name() + " whom it streams to: " + e.getMessage(), e);
        }
    }

    /**
     * pg_rewind needs a cleanly shut down target: a killed or stopped node is started first (which
     * also frees a crash's shared memory), then every node gets a fast shutdown. It reads the
     * source's timeline from pg_control, which a promotion updates only at its first checkpoint:
     * without one it finds both on the same timeline and rewinds nothing, and the node, still ahead
     * on the old timeline, could never stream from the new one.
     */
    private boolean rewind(LocalNode rejoining, LocalNode primary) {
        try (SocketSession session = SocketSession.open(sockets, primary.port(), TemplateCache.SUPERUSER)) {
            session.query("CHECKPOINT");
            if (!rejoining.isRunning()) {
                rejoining.startAndAwaitReady(spec.startTimeout());
            }
        } catch (SQLException | ClusterStartException cannot) {
            String why = String.valueOf(cannot.getMessage()).lines().findFirst().orElse("");
            Rewind.note(rejoining, "hotstandby: no pg_rewind (" + why + "); re-seeding " + rejoining.name()
                    + " with a full copy instead\n");
            return false;
        }
        rejoining.stop();
        return Rewind.run(binaries, rejoining, sockets, primary.port());
    }

    private void reseed(LocalNode rejoining, LocalNode primary) {
        rejoining.releaseSharedMemoryOfACrash(spec.startTimeout());
        rejoining.stop();
        Trees.delete(rejoining.dataDir());
        Workspace.privateDir(rejoining.dataDir());
        try (SocketSession session = SocketSession.open(sockets, primary.port(), TemplateCache.SUPERUSER)) {
            session.query(major >= 15 ? "SELECT pg_backup_start('hotstandby rejoin', true)"
                    : "SELECT pg_start_backup('hotstandby rejoin', true, false)");
            LiveCopy.copy(primary.dataDir(), rejoining.dataDir());
            String label = session.query(major >= 15 ? "SELECT labelfile FROM pg_backup_stop(true)"
                    : "SELECT labelfile FROM pg_stop_backup(false, true)");
            rejoining.write(rejoining.dataDir().resolve("backup_label"), label);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take a base backup of " + primary.name() + " for " + rejoining.name()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The cut: an empty primary_conninfo stops the standby's WAL receiver; both servers stay up. */
    @Override
    public void disconnect(NodeRuntime node) {
        setPrimaryConnInfo(local(node), "ALTER SYSTEM SET primary_conninfo = ''");
    }

    @Override
    public void reconnect(NodeRuntime node) {
        setPrimaryConnInfo(local(node), "ALTER SYSTEM RESET primary_conninfo");
    }

    private void setPrimaryConnInfo(LocalNode standby, String alterSystem) {
        if (major < 13) {
            throw new UnsupportedOperationException("disconnect and reconnect need PostgreSQL 13 or newer (primary_conninfo"
                    + " reloads without a restart from 13 on); this cluster runs " + major);
        }
        try (SocketSession session = SocketSession.open(sockets, standby.port(), TemplateCache.SUPERUSER)) {
            session.query(alterSystem);
            session.query("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change how " + standby.name() + " connects: " + e.getMessage(), e);
        }
    }

    private void reload(LocalNode node) {
        if (node.isRunning()) {
            Signals.send("HUP", List.of(node.pid()));
        }
    }

    private LocalNode local(NodeRuntime node) {
        if (node instanceof LocalNode local && nodes.contains(local)) {
            return local;
        }
        throw new IllegalArgumentException(node.name() + " is not a node of this cluster");
    }

    @Override
    public List<NodeRuntime> nodes() {
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

    String logTails() {
        StringBuilder tails = new StringBuilder();
        for (LocalNode node : nodes) {
            tails.append("\n--- last lines of ").append(node.logFile()).append(" ---\n")
                    .append(String.join("\n", node.logTail(20)));
        }
        return tails.toString();
    }

    @Override
    public synchronized Optional<String> close(boolean keepEvidence) {
        if (closed) {
            return Optional.empty();
        }
        closed = true;
        OPEN.remove(this);
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
        if (!keepEvidence) {
            Trees.delete(directory);
            return Optional.empty();
        }
        return Optional.of(keep().toString());
    }

    /** Moves the stopped cluster out of this JVM's directory, where neither watchdog nor reaper looks. */
    private Path keep() {
        String label = spec.owner().replaceAll("[^A-Za-z0-9_.-]+", "_").replaceAll("^_+|_+$", "");
        Path kept = workspace.failed().resolve(LocalDateTime.now().format(STAMP) + "-"
                + label.substring(0, Math.min(60, label.length())) + "-" + directory.getFileName());
        try {
            Files.move(directory, kept);
            return kept;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep " + directory + " in " + kept, e);
        }
    }
}
