package dev.hotstandby.backend.machines;

import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.BackendCluster;
import dev.hotstandby.engine.BackendCluster.ToolRun;
import dev.hotstandby.engine.BackendNode;
import dev.hotstandby.engine.Members;
import dev.hotstandby.engine.NodeFiles;
import dev.hotstandby.engine.StartupTrace;
import dev.hotstandby.engine.Topology;
import dev.hotstandby.internal.Passwords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A primary and its standbys, one per machine, provisioned over SSH. Every node's files live in a
 * run directory of its own on its machine; the test JVM reaches each server through an SSH port
 * forward to the machine's loopback; the servers reach each other over the machines' private
 * addresses. {@link ClusterBoot} brings the servers up; the engine does the rest.
 */
final class MachineCluster implements BackendCluster {
    /** The role standbys stream as and base backups are taken with; its password is generated per cluster. */
    static final String REPLICATION_ROLE = "replicator";
    static final String SUPERUSER = "postgres";

    private final ClusterSpec spec;
    private final ProvidedMachines provided;
    /** Names this run's directories, firewall rules and authorized keys on the machines. */
    private final String marker;
    private final String password;
    private final String replicationPassword;
    private final List<MachineNode> nodes = new ArrayList<>();
    private final List<SshConnection> connections = new ArrayList<>();
    private final WalShipping shipping;
    private final Partitions partitions;
    private final LinkShaping shaping;
    private boolean closed;

    private MachineCluster(ClusterSpec spec, ProvidedMachines provided, String marker, String password,
                           String replicationPassword) {
        this.spec = spec;
        this.provided = provided;
        this.marker = marker;
        this.password = password;
        this.replicationPassword = replicationPassword;
        this.shipping = new WalShipping(marker);
        this.partitions = new Partitions(marker);
        this.shaping = new LinkShaping(marker);
    }

    /**
     * Logs in to every machine, finds (or installs) PostgreSQL and makes the run directories; nothing
     * runs yet. Throws having removed whatever it had made.
     */
    static MachineCluster prepare(ClusterSpec spec, ProvidedMachines provided) {
        MachineCluster cluster = new MachineCluster(spec, provided, "hotstandby-" + Passwords.randomName(8),
                spec.application().passwordOr(Passwords::generate), Passwords.generate());
        try {
            cluster.prepareNodes();
            return cluster;
        } catch (RuntimeException | Error failure) {
            Optional<String> kept = cluster.close(false);
            if (failure instanceof ClusterConfigurationException badName) {
                throw badName;   // a setting's name, found on the first login: the close removed what other machines had made
            }
            throw new ClusterStartException(spec.owner() + ": the cluster did not start on " + provided.machines() + ": "
                    + failure.getMessage() + "\n(every server and run directory it had made was removed"
                    + kept.map(k -> "; " + k).orElse("") + ")", failure);
        }
    }

    private void prepareNodes() {
        // each machine's SSH login, PostgreSQL and run directory: independent, so side by side
        try {
            nodes.addAll(Parallel.map(provided.machines(), this::prepare));
        } catch (Parallel.PartialFailure failure) {
            // the nodes that were prepared are removed by the teardown like any others
            failure.results().stream().filter(MachineNode.class::isInstance).map(MachineNode.class::cast).forEach(nodes::add);
            throw failure.first();
        }
    }

    private static final String RECORD_MARKER = "marker";
    private static final String RECORD_PASSWORD = "password";
    private static final String RECORD_REPLICATION_PASSWORD = "replication-password";
    private static final String RECORD_NODE = "node.";

    /**
     * The servers an earlier run kept on {@code provided}, as its record says ({@code backend.}
     * properties): each machine logged in to again, with a new port forward of this JVM; nothing is
     * checked or changed on them (the engine's refresh does that). Throws where a machine cannot be
     * reached, having closed what it opened.
     */
    static MachineCluster attach(ClusterSpec spec, ProvidedMachines provided, java.util.Properties record) {
        MachineCluster cluster = new MachineCluster(spec, provided, record.getProperty("backend." + RECORD_MARKER),
                record.getProperty("backend." + RECORD_PASSWORD), record.getProperty("backend." + RECORD_REPLICATION_PASSWORD));
        try {
            cluster.nodes.addAll(Parallel.map(provided.machines(), machine -> {
                String[] node = record.getProperty("backend." + RECORD_NODE + machine.name(), "").split(" ", 4);
                if (node.length < 4) {
                    throw new IllegalStateException("the record names no run directory for " + machine.name());
                }
                SshConnection ssh = SshConnection.open(machine);
                synchronized (cluster.connections) {
                    cluster.connections.add(ssh);
                }
                return new MachineNode(machine.name(), ssh, new PostgresInstallation(node[3], Integer.parseInt(node[2])), node[0],
                        Integer.parseInt(node[1]), cluster.password);
            }));
            return cluster;
        } catch (Parallel.PartialFailure failure) {
            cluster.connections.forEach(SshConnection::close);
            throw failure.first();
        } catch (RuntimeException | Error failure) {
            cluster.connections.forEach(SshConnection::close);
            throw failure;
        }
    }

    /** The marker, both passwords and each node's run directory, port and binaries, beside the machines' own record. */
    @Override
    public java.util.Map<String, String> reuseRecord() {
        java.util.Map<String, String> record = new java.util.LinkedHashMap<>(provided.reuseRecord());
        record.put(RECORD_MARKER, marker);
        record.put(RECORD_PASSWORD, password);
        record.put(RECORD_REPLICATION_PASSWORD, replicationPassword);
        for (MachineNode node : nodes) {
            record.put(RECORD_NODE + node.name(), String.join(" ", node.runDir(), String.valueOf(node.replicationPort()),
                    String.valueOf(node.installation().major()), node.installation().bindir()));
        }
        return record;
    }

    /** The servers run on for the next run; this JVM's SSH connections and port forwards end. */
    @Override
    public synchronized void detach() {
        closed = true;
        nodes.forEach(MachineNode::closeSession);
        connections.forEach(SshConnection::close);
        provided.detach();
    }

    private MachineNode prepare(Machine machine) {
        SshConnection ssh = SshConnection.open(machine);
        synchronized (connections) {
            connections.add(ssh);
        }
        // before this run adds anything: what a killed JVM of this machine left there goes
        StaleSshRuns.reap(ssh);
        PostgresInstallation installation = PostgresInstallation.findOrInstall(ssh, spec.major());
        HostParameters.requireSettable(ssh, installation, spec);
        if (spec.replication().archiving()) {
            requireTools(ssh, "rsync", "ssh", "ssh-keygen");
        }
        String runDir = StaleSshRuns.RUN_DIRS + marker + "-" + machine.name();
        int port = ClusterBoot.prepare(ssh, runDir, marker);
        return new MachineNode(machine.name(), ssh, installation, runDir, port, password);
    }

    private static void requireTools(SshConnection ssh, String... tools) {
        for (String tool : tools) {
            if (!ssh.run("command -v " + tool, new byte[0], Duration.ofSeconds(30)).ok()) {
                throw new ClusterStartException(ssh.machine() + " has no " + tool + ", which archiving = true ships WAL with;"
                        + " install it there (Debian: apt-get install rsync openssh-client)");
            }
        }
    }

    @Override
    public ClusterSpec spec() {
        return spec;
    }

    @Override
    public String where() {
        return " on " + provided.machines();
    }

    @Override
    public List<MachineNode> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public String username() {
        return SUPERUSER;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String replicationUser() {
        return REPLICATION_ROLE;
    }

    /**
     * The primary first: with synchronous = true nothing could commit on it while a standby streams
     * that it does not know yet. Then each standby after its upstream (cascades).
     */
    @Override
    public void boot(Topology topology, NodeFiles files) {
        ClusterBoot boot = new ClusterBoot(spec, files, password, replicationPassword);
        if (spec.replication().archiving()) {
            shipping.setUp(nodes);
        }
        boot.bootPrimary(own(topology.primary()), nodes.stream().map(MachineNode::replicationHost).toList());
        StartupTrace.mark("primary booted");
        for (BackendNode standby : topology.standbysUpstreamFirst()) {
            boot.bootStandby(own(standby), own(topology.upstreamOf(standby)));
            StartupTrace.mark(standby.name() + " booted");
        }
    }

    /**
     * Every server ended at once (immediate: the data goes anyway), this run's firewall rules, link
     * shapes and WAL shipping keys removed, the data directories and archives emptied; then booted as
     * the first time on the same machines, ports and SSH forwards: initdb on the primary, base backups
     * on the standbys. A base backup of a just-made primary is far cheaper than new machines.
     */
    @Override
    public void reboot(Topology topology, NodeFiles files) {
        Parallel.map(nodes, node -> {
            node.stopImmediately();
            partitions.healAll(node);
            shaping.removeAll(node);
            shipping.tearDown(node);
            // an archived later timeline's history file would lead the new standbys off timeline 1
            node.asPostgres("rm -rf data ssh ship-wal && find archive -mindepth 1 -delete");
            return node;
        });
        boot(topology, files);
    }

    @Override
    public boolean canRewind() {
        return true;
    }

    /** As postgres in the node's run directory, with the cluster's password file (libpq reads it). */
    @Override
    public ToolRun runAsServerUser(BackendNode node, String tool, List<String> arguments) {
        MachineNode machine = own(node);
        StringBuilder command = new StringBuilder(Sh.quote(machine.installation().binary(tool)));
        arguments.forEach(argument -> command.append(' ').append(Sh.quote(argument)));
        SshConnection.Result run = machine.tryAsPostgres(command.append(" 2>&1").toString());
        return new ToolRun(run.exitStatus(), run.out() + run.err());
    }

    @Override
    public String dataDirectory(BackendNode node) {
        return own(node).runDir() + "/data";
    }

    /** Over the private network, as the superuser (pg_hba.conf admits it from the members' addresses). */
    @Override
    public String toolConninfo(BackendNode node, BackendNode source) {
        return "host=" + source.replicationHost() + " port=" + source.replicationPort() + " user=" + SUPERUSER
                + " dbname=postgres";
    }

    @Override
    public void removeReplicationSlots(BackendNode node) {
        own(node).asPostgres("rm -rf data/pg_replslot/*");
    }

    @Override
    public void noteInLog(BackendNode node, String text) {
        own(node).asPostgres("printf '%s' " + Sh.quote(text) + " >>server.log");
    }

    @Override
    public void reseed(BackendNode node, BackendNode source) {
        ClusterBoot.baseBackup(own(node), own(source));
    }

    /** iptables on the standby's machine: a real partition while SSH (another address) stays up. */
    @Override
    public void cut(BackendNode standby, BackendNode upstream) {
        partitions.cut(own(standby), own(upstream));
    }

    @Override
    public void heal(BackendNode standby, BackendNode upstream) {
        partitions.heal(own(standby), own(upstream));
    }

    /** netem under an HTB class on both ends (see {@link LinkShaping}); fails naming what the kernel lacks. */
    @Override
    public void delayLink(BackendNode standby, BackendNode upstream, Duration oneWay) {
        shaping.delay(own(standby), own(upstream), oneWay);
    }

    /** An HTB class's rate on both ends (see {@link LinkShaping}). */
    @Override
    public void limitLink(BackendNode standby, BackendNode upstream, long bytesPerSecond) {
        shaping.limit(own(standby), own(upstream), bytesPerSecond);
    }

    /** {@code ss -K} on the standby's machine: its kernel aborts the connections with an RST. */
    @Override
    public void resetLink(BackendNode standby, BackendNode upstream) {
        shaping.reset(own(standby), own(upstream));
    }

    private MachineNode own(BackendNode node) {
        return Members.of(node, nodes);
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
        List<String> kept = new ArrayList<>();
        if (keepEvidence) {
            try {
                kept.add("logs and configs in " + MachineEvidence.save(spec, marker, nodes) + ", the run directories on the hosts");
            } catch (RuntimeException unreadable) {
                kept.add("logs not copied (" + unreadable.getMessage() + ")");
            }
        }
        for (MachineNode node : nodes) {
            try {
                node.stopImmediately();
                partitions.healAll(node);
                shaping.removeAll(node);
                shipping.tearDown(node);
                if (keepEvidence) {
                    kept.add(node.name() + ": " + node.machine().sshHost() + ":" + node.runDir());
                } else {
                    node.ssh().run("sudo -n rm -rf " + Sh.quote(node.runDir()), new byte[0], Duration.ofMinutes(2));
                }
            } catch (RuntimeException e) {
                kept.add(node.name() + ": teardown failed (" + e.getMessage() + "); " + node.runDir() + " may remain");
            }
        }
        connections.forEach(SshConnection::close);
        boolean leftAsFound = !keepEvidence && kept.isEmpty() && nodes.size() == provided.machines().size();
        Optional<String> machines = provided.release(keepEvidence, leftAsFound);
        if (kept.isEmpty() && machines.isEmpty()) {
            return Optional.empty();
        }
        List<String> all = new ArrayList<>(kept);
        machines.ifPresent(all::add);
        return Optional.of(String.join("; ", all));
    }
}
