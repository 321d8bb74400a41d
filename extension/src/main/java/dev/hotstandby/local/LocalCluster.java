package dev.hotstandby.local;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.Lsn;
import dev.hotstandby.config.ConfigFiles;
import dev.hotstandby.spi.NodeRuntime;
import dev.hotstandby.spi.RunningCluster;
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
import java.util.stream.Collectors;

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
    private final String password = Passwords.generate();
    private boolean closed;

    private LocalCluster(ClusterSpec spec, Path directory, Workspace workspace) {
        this.spec = spec;
        this.directory = directory;
        this.sockets = directory.resolve("s");
        this.workspace = workspace;
    }

    static LocalCluster start(ClusterSpec spec, PostgresBinaries binaries, Template template, Workspace workspace,
                              PortReservations ports) {
        LocalCluster cluster = new LocalCluster(spec, Ownership.newClusterDirectory(workspace), workspace);
        try {
            cluster.boot(binaries, template, ports);
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

    private void boot(PostgresBinaries binaries, Template template, PortReservations ports) {
        Workspace.privateDir(sockets);
        nodes.add(new LocalNode(ClusterSpec.PRIMARY_NAME, true, directory.resolve(ClusterSpec.PRIMARY_NAME), binaries,
                ports.reserve()));
        for (int i = 0; i < spec.standbys(); i++) {
            String name = ClusterSpec.standbyName(i);
            nodes.add(new LocalNode(name, false, directory.resolve(name), binaries, ports.reserve()));
        }
        nodes.forEach(node -> Workspace.privateDir(node.dataDir().getParent()));
        SpareCopies spares = SpareCopies.of(template, Ownership.ownDirectory(workspace));
        spares.fill(nodes.stream().map(LocalNode::dataDir).toList());
        nodes.forEach(node -> configure(node, binaries.major()));
        nodes.forEach(LocalNode::spawn);
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        awaitReady(deadline);
        setPasswordAndAwaitStandbys(deadline);
        spares.replenish(nodes.size());
    }

    private void configure(LocalNode node, int major) {
        if (node.isPrimary()) {
            node.writeNodeConf(sockets, synchronousSettings());
            return;
        }
        boolean recoveryConf = dev.hotstandby.PostgresMajor.usesRecoveryConf(major);
        node.writeNodeConf(sockets, recoveryConf ? List.of()
                : List.of(LocalNode.setting("include", LocalNode.quote(ConfigFiles.STANDBY_CONF), "what makes this node a standby")));
        Map<String, String> values = Map.of("primary_host", sockets.toString(), "primary_port",
                String.valueOf(primary().port()), "user", TemplateCache.SUPERUSER, "name", node.name());
        node.write(node.dataDir().resolve(ConfigFiles.standbyFileName(major)),
                ConfigFiles.packaged().standbySettings(major, values));
        if (!recoveryConf) {
            node.write(node.dataDir().resolve("standby.signal"), "");
        }
    }

    /** Every standby must apply a commit before it returns: read-your-writes on any standby. */
    private List<String> synchronousSettings() {
        if (!spec.synchronous()) {
            return List.of();
        }
        String names = nodes.stream().filter(node -> !node.isPrimary()).map(node -> "\"" + node.name() + "\"")
                .collect(Collectors.joining(", "));
        return List.of(
                LocalNode.setting("synchronous_standby_names", LocalNode.quote("FIRST " + spec.standbys() + " (" + names + ")"),
                        "synchronous = true: every standby must confirm each commit"),
                LocalNode.setting("synchronous_commit", "remote_apply", "... and have applied it, so reads on any standby see it"));
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
        return nodes.get(0);
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
