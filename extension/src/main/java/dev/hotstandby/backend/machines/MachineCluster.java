package dev.hotstandby.backend.machines;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.NodeRuntime;
import dev.hotstandby.engine.Passwords;
import dev.hotstandby.engine.RunningCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A primary and its standbys, one per machine, provisioned over SSH. Every node's files live in a
 * run directory of its own on its machine; the test JVM reaches each server through an SSH port
 * forward to the machine's loopback; the servers reach each other over the machines' private
 * addresses. {@link ClusterBoot} brings it up, {@link MachineOperations} changes it.
 */
final class MachineCluster implements RunningCluster {
    /** Clusters not closed yet: the shutdown hook removes them should the test JVM end first. */
    private static final Set<MachineCluster> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(cluster -> cluster.close(false)),
                "hotstandby-machines-shutdown"));
    }

    private final ClusterSpec spec;
    private final ProvidedMachines provided;
    private final String id = Passwords.generate().substring(0, 8).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "x");
    private final String password = Passwords.generate();
    private final MachineTopology topology = new MachineTopology();
    private final List<SshConnection> connections = new ArrayList<>();
    private final NodeFiles files;
    private final NodeSql sql = new NodeSql(password);
    private final WalShipping shipping = new WalShipping(id);
    private final Partitions partitions = new Partitions(id);
    private final ClusterBoot boot;
    private final MachineOperations operations;
    private boolean closed;

    private MachineCluster(ClusterSpec spec, ProvidedMachines provided) {
        this.spec = spec;
        this.provided = provided;
        this.files = new NodeFiles(spec, topology);
        this.boot = new ClusterBoot(spec, topology, files, sql, password, Passwords.generate());
        this.operations = new MachineOperations(spec, topology, files, sql, boot, partitions);
    }

    /** Returns the started cluster, or throws having stopped and removed everything it had started. */
    static MachineCluster start(ClusterSpec spec, ProvidedMachines provided) {
        MachineCluster cluster = new MachineCluster(spec, provided);
        OPEN.add(cluster);
        try {
            cluster.boot();
            return cluster;
        } catch (RuntimeException | Error failure) {
            String logs = cluster.logTails();
            Optional<String> kept = cluster.close(false);
            throw new ClusterStartException(spec.owner() + ": the cluster did not start on " + provided.machines() + ": "
                    + failure.getMessage() + "\n(every server and run directory it had made was removed"
                    + kept.map(k -> "; " + k).orElse("") + ")" + logs, failure);
        }
    }

    private void boot() {
        List<Machine> machines = provided.machines();
        // each machine's SSH login, PostgreSQL and run directory: independent, so side by side
        try {
            Parallel.map(machines, machine -> prepare(machine, machine == machines.get(0)
                    ? MachineNode.Role.PRIMARY : MachineNode.Role.STANDBY)).forEach(topology::add);
        } catch (Parallel.PartialFailure failure) {
            // the nodes that were prepared are removed by the teardown like any others
            failure.results().stream().filter(MachineNode.class::isInstance).map(MachineNode.class::cast).forEach(topology::add);
            throw failure.first();
        }
        List<MachineNode> nodes = topology.nodes();
        if (spec.replication().archiving() && nodes.size() > 1) {
            shipping.setUp(nodes);
        }
        List<String> addresses = nodes.stream().map(MachineNode::address).toList();
        // before any standby streams from it: synchronous = true would otherwise hold its first commit for ever
        boot.bootPrimary(nodes.get(0), addresses);
        for (int i = 1; i < nodes.size(); i++) {
            topology.streamFrom(nodes.get(i), nodes.get(spec.replication().upstreamOf(i - 1) + 1));
        }
        // in index order: an upstream (the primary or an earlier standby in a cascade) is up before its followers
        List<MachineNode> pending = new ArrayList<>(nodes.subList(1, nodes.size()));
        List<MachineNode> started = new ArrayList<>(List.of(nodes.get(0)));
        while (!pending.isEmpty()) {
            MachineNode next = pending.stream().filter(n -> started.contains(topology.upstreamOf(n))).findFirst().orElseThrow();
            operations.createSlot(next, topology.upstreamOf(next));
            boot.bootStandby(next, topology.upstreamOf(next));
            pending.remove(next);
            started.add(next);
        }
        // with synchronous = true the primary's node.conf names its standbys only now that they exist
        if (spec.synchronous()) {
            files.rewriteNodeConf(nodes.get(0));
            sql.single(nodes.get(0), "SELECT pg_reload_conf()");
        }
        boot.awaitStreaming(nodes.subList(1, nodes.size()));
    }

    private MachineNode prepare(Machine machine, MachineNode.Role role) {
        SshConnection ssh = SshConnection.open(machine);
        synchronized (connections) {
            connections.add(ssh);
        }
        PostgresInstallation installation = PostgresInstallation.findOrInstall(ssh, spec.major());
        if (spec.replication().archiving()) {
            requireTools(ssh, "rsync", "ssh", "ssh-keygen");
        }
        String runDir = "/var/tmp/hotstandby-" + id + "-" + machine.name();
        int port = ClusterBoot.prepare(ssh, runDir);
        return new MachineNode(machine.name(), ssh, installation, runDir, port, role);
    }

    private static void requireTools(SshConnection ssh, String... tools) {
        for (String tool : tools) {
            if (!ssh.run("command -v " + tool, new byte[0], java.time.Duration.ofSeconds(30)).ok()) {
                throw new ClusterStartException(ssh.machine() + " has no " + tool + ", which archiving = true ships WAL with;"
                        + " install it there (Debian: apt-get install rsync openssh-client)");
            }
        }
    }

    @Override
    public List<NodeRuntime> nodes() {
        return List.copyOf(topology.nodes());
    }

    @Override
    public String username() {
        return NodeFiles.SUPERUSER;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public void stop(NodeRuntime node) {
        topology.own(node).stop();
    }

    @Override
    public void kill(NodeRuntime node) {
        topology.own(node).crash();
    }

    @Override
    public void start(NodeRuntime node) {
        topology.own(node).start(spec.startTimeout());
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

    /**
     * Servers stopped at once (immediate: test data needs no checkpoint), this run's firewall rules and
     * authorized keys removed, run directories deleted unless kept; then the machines are released.
     */
    @Override
    public synchronized Optional<String> close(boolean keepEvidence) {
        if (closed) {
            return Optional.empty();
        }
        closed = true;
        OPEN.remove(this);
        List<String> kept = new ArrayList<>();
        for (MachineNode node : topology.nodes()) {
            try {
                if (node.isServerRunning()) {
                    node.asPostgres(node.pgCtl("-m immediate -w stop"));
                }
                partitions.healAll(node);
                shipping.tearDown(node);
                if (keepEvidence) {
                    kept.add(node.name() + ": " + node.machine().sshHost() + ":" + node.runDir());
                } else {
                    node.ssh().run("sudo -n rm -rf " + Sh.quote(node.runDir()), new byte[0], java.time.Duration.ofMinutes(2));
                }
            } catch (RuntimeException e) {
                kept.add(node.name() + ": teardown failed (" + e.getMessage() + "); " + node.runDir() + " may remain");
            }
        }
        connections.forEach(SshConnection::close);
        Optional<String> machines = provided.release(keepEvidence);
        if (kept.isEmpty() && machines.isEmpty()) {
            return Optional.empty();
        }
        List<String> all = new ArrayList<>(kept);
        machines.ifPresent(all::add);
        return Optional.of(String.join("; ", all));
    }

    private String logTails() {
        StringBuilder logs = new StringBuilder();
        for (MachineNode node : topology.nodes()) {
            try {
                logs.append("\n--- ").append(node.name()).append(" server.log ---\n").append(String.join("\n", node.logTail(20)));
            } catch (RuntimeException unreachable) {
                logs.append("\n--- ").append(node.name()).append(": no log (").append(unreachable.getMessage()).append(")");
            }
        }
        return logs.toString();
    }
}
