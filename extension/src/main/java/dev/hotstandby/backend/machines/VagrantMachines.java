package dev.hotstandby.backend.machines;

import dev.hotstandby.Backend;
import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.config.ConfigFiles;
import dev.hotstandby.engine.JvmOwner;
import dev.hotstandby.engine.ReuseEntry;
import dev.hotstandby.internal.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * {@link Backend#VAGRANT}: {@code vagrant up} of a primary and the spec's standbys from the
 * repository's Vagrantfile (packaged in the jar) or the user's folder ({@value #FOLDER_PROPERTY}),
 * endpoints from {@code vagrant ssh-config}, each machine's host key read through Vagrant and pinned
 * for this run, {@code vagrant destroy -f} when the cluster closes (docker provider: its containers and
 * network removed with docker; kept, with the command to remove them, when evidence is kept; kept up
 * for the JVM's next cluster by {@link IdleVagrantMachines}). Vagrant only boots machines; PostgreSQL is the library's work.
 * Machines kept for the next run ({@code hotstandby.reuse}) outlive the JVM with their work
 * directory and subnet; {@link KeptVagrantRuns} says how they are removed.
 */
final class VagrantMachines implements ProvidedMachines {
    static final String FOLDER_PROPERTY = "hotstandby.vagrant.dir";
    static final String PROVIDER_PROPERTY = "hotstandby.vagrant.provider";
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(10);

    private final Vagrant vagrant;
    private final SubnetLease subnet;
    private final Path work;
    private final List<Machine> machines = new ArrayList<>();
    /** What machines of another cluster must share to serve this one ({@link IdleVagrantMachines}); null: never kept idle. */
    private final String idleKey;
    /** How many of the machines (the first) the current cluster uses. */
    private int serving;
    private boolean wasIdle;

    private VagrantMachines(Vagrant vagrant, SubnetLease subnet, Path work, String idleKey) {
        this.vagrant = vagrant;
        this.subnet = subnet;
        this.work = work;
        this.idleKey = idleKey;
    }

    /**
     * Brings the machines up, or throws having destroyed whatever Vagrant had made; kept for the next
     * run when {@code reuse} is not null (its teardown written before {@code vagrant up} runs).
     */
    static VagrantMachines up(ClusterSpec spec, Properties properties, ReuseEntry reuse) {
        String version = Vagrant.version().orElse(null);
        if (version == null) {
            String message = spec.owner() + ": Backend.VAGRANT needs Vagrant (the `vagrant` command), which is not on the"
                    + " PATH. Install it (Debian: apt-get install vagrant; see docs/backends.md \"Machines backend\")";
            if (BackendUnavailableException.isRequired(Backend.VAGRANT, properties)) {
                throw new ClusterStartException(message + " (-D" + BackendUnavailableException.REQUIRE_PROPERTY
                        + " names vagrant, so this fails instead of being skipped)");
            }
            throw new BackendUnavailableException(Backend.VAGRANT, message + " (skipped; -D"
                    + BackendUnavailableException.REQUIRE_PROPERTY + "=vagrant makes this a failure)");
        }
        String idleKey = reuse == null && IdleVagrantMachines.enabled(properties) ? idleKey(properties) : null;
        int count = spec.nodeNames().size();
        if (idleKey != null) {
            Optional<VagrantMachines> idle = IdleVagrantMachines.take(idleKey, count);
            if (idle.isPresent()) {
                return idle.get().servingNext(count);
            }
        }
        StaleVagrantRuns.reap();
        // the subnet first: waiting for one leaves nothing on disk
        SubnetLease subnet = SubnetLease.acquire();
        Path work;
        try {
            work = createWorkDirectory();
        } catch (RuntimeException | Error cannotCreate) {
            subnet.close();
            throw cannotCreate;
        }
        Map<String, String> environment = new HashMap<>();
        environment.put("HOTSTANDBY_STANDBYS", String.valueOf(spec.standbys()));
        environment.put("HOTSTANDBY_NETWORK", subnet.network());
        environment.put("HOTSTANDBY_RUN", work.getFileName().toString());
        Path folder;
        try {
            folder = folder(properties, work);
            StaleVagrantRuns.markOwned(work, environment, reuse == null ? JvmOwner.current()
                    : KeptVagrantRuns.owner(reuse.directory()));
            if (reuse != null) {
                Path kept = subnet.keepFor(work);
                reuse.writeTeardown(KeptVagrantRuns.teardown(work, folder, subnet.network(), kept, environment));
            }
        } catch (IOException | RuntimeException e) {
            subnet.close();
            deleteTree(work);
            throw e instanceof IOException io ? new UncheckedIOException("cannot write into " + work, io) : (RuntimeException) e;
        }
        VagrantMachines machines = new VagrantMachines(new Vagrant(folder, work.resolve("state"), environment), subnet, work,
                idleKey);
        try {
            machines.start(spec, properties.getProperty(PROVIDER_PROPERTY, "").trim());
            return machines;
        } catch (RuntimeException | Error failure) {
            machines.destroy();
            throw failure;
        }
    }

    private void start(ClusterSpec spec, String provider) {
        List<String> up = new ArrayList<>(List.of("up"));
        if (!provider.isEmpty()) {
            up.add("--provider=" + provider);
        }
        Vagrant.Result result = up(up);
        if (!result.ok() && (RubyCrash.in(result.output()) || LostDockerObject.in(result.output()))) {
            // Vagrant's Ruby itself crashed (seen about once in 25 ups here), or a kept cluster's shell
            // teardown removed a container it inspected: what it made goes, one more try
            destroy(vagrant);
            DockerLeftovers.remove(work.getFileName().toString());
            result = up(up);
        }
        if (!result.ok()) {
            throw new ClusterStartException(spec.owner() + ": `vagrant " + String.join(" ", up) + "` in " + vagrant.folder()
                    + " failed:\n" + RubyCrash.summary(result.output()).orElse(tail(result.output())));
        }
        List<String> names = spec.nodeNames();
        Map<String, Machine> reported = ReportedMachines.parse(result.output());
        if (!reported.keySet().containsAll(names)) {
            reported = askVagrant(spec, names);
        }
        for (int i = 0; i < names.size(); i++) {
            Machine machine = reported.get(names.get(i));
            // the addresses the repository's Vagrantfile gives: primary .10, standby-i .(11+i)
            machines.add(new Machine(machine.name(), machine.sshHost(), machine.sshPort(), machine.user(), machine.key(),
                    machine.hostKeys(), subnet.network() + "." + (10 + i)));
        }
        serving = machines.size();
    }

    /** The Vagrantfile, the provider and the docker provider's image: what the same {@code vagrant up} makes. */
    private static String idleKey(Properties properties) {
        return String.join("|", properties.getProperty(FOLDER_PROPERTY, "").trim(), properties.getProperty(PROVIDER_PROPERTY, "").trim(),
                Optional.ofNullable(System.getenv("HOTSTANDBY_VAGRANT_IMAGE")).orElse(""));
    }

    /** These machines, kept up by {@link IdleVagrantMachines}, for a cluster of {@code count} nodes: the first of them. */
    private VagrantMachines servingNext(int count) {
        serving = count;
        wasIdle = true;
        return this;
    }

    /** Whether these machines were another cluster's, kept up by {@link IdleVagrantMachines}. */
    boolean wasIdle() {
        return wasIdle;
    }

    /** How many machines {@code vagrant up} made: the most clusters these can serve. */
    int made() {
        return machines.size();
    }

    private Vagrant.Result up(List<String> arguments) {
        try (VagrantLock ordered = VagrantLock.acquire()) {
            return vagrant.run(UP_TIMEOUT, arguments.toArray(String[]::new));
        }
    }

    /** Endpoints from {@code vagrant ssh-config}, host keys through {@code vagrant ssh}, for Vagrantfiles that do not report them. */
    private Map<String, Machine> askVagrant(ClusterSpec spec, List<String> names) {
        // each `vagrant` run starts Ruby (a second or two): the host keys are read while ssh-config runs
        CompletableFuture<List<String>> hostKeys = CompletableFuture.supplyAsync(() -> Parallel.map(names, this::hostKey),
                command -> {
                    Thread thread = new Thread(command, "hotstandby-vagrant-host-keys");
                    thread.setDaemon(true);
                    thread.start();
                });
        Vagrant.Result config = vagrant.run(Duration.ofMinutes(2), "ssh-config");
        List<String> keys = joined(hostKeys);
        if (!config.ok()) {
            throw new ClusterStartException(spec.owner() + ": `vagrant ssh-config` failed:\n" + tail(config.output()));
        }
        Map<String, Map<String, String>> endpoints = SshConfig.parse(config.output());
        Map<String, Machine> machines = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Map<String, String> endpoint = endpoints.get(name);
            if (endpoint == null) {
                throw new ClusterStartException(spec.owner() + ": `vagrant ssh-config` names no machine '" + name + "'; the"
                        + " Vagrantfile in " + vagrant.folder() + " must define primary and standby-0 ... standby-N-1");
            }
            machines.put(name, new Machine(name, endpoint.get("hostname"), Integer.parseInt(endpoint.getOrDefault("port", "22")),
                    endpoint.get("user"), Path.of(endpoint.get("identityfile").replace("\"", "")),
                    HostKeys.pinned(keys.get(i)), ""));
        }
        return machines;
    }

    private static List<String> joined(CompletableFuture<List<String>> reading) {
        try {
            return reading.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof Parallel.PartialFailure partial ? partial.first()
                    : e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** The machine's ed25519 host key, read on the machine through Vagrant's own SSH channel. */
    private String hostKey(String name) {
        Vagrant.Result key = vagrant.run(Duration.ofMinutes(2), "ssh", name, "-c", "cat /etc/ssh/ssh_host_ed25519_key.pub",
                "--", "-q");
        String line = key.output().lines().map(String::strip).filter(l -> l.startsWith("ssh-ed25519 ")).findFirst().orElse(null);
        if (!key.ok() || line == null) {
            throw new ClusterStartException("cannot read the host key of Vagrant machine " + name + ":\n" + tail(key.output()));
        }
        return line;
    }

    @Override
    public List<Machine> machines() {
        return List.copyOf(machines.subList(0, serving));
    }

    private static final String RECORD_WORK = "vagrant.work";
    private static final String RECORD_FOLDER = "vagrant.folder";
    private static final String RECORD_NETWORK = "vagrant.network";
    private static final String RECORD_MACHINE = "vagrant.machine.";

    /** The work directory, the Vagrantfile's folder, the subnet, and each machine's SSH endpoint, key and pinned host key. */
    @Override
    public Map<String, String> reuseRecord() {
        Map<String, String> record = new java.util.LinkedHashMap<>();
        record.put(RECORD_WORK, work.toString());
        record.put(RECORD_FOLDER, vagrant.folder().toString());
        record.put(RECORD_NETWORK, subnet.network());
        for (Machine machine : machines) {
            record.put(RECORD_MACHINE + machine.name(), String.join(" ", machine.sshHost(), String.valueOf(machine.sshPort()),
                    machine.user(), machine.key().toString(), machine.address(), machine.hostKeys().pinnedLine().orElseThrow()));
        }
        return record;
    }

    /**
     * The machines an earlier run kept, as its record says ({@code backend.} properties), for
     * {@code names}; empty when their work directory is gone. Nothing is contacted yet.
     */
    static Optional<VagrantMachines> attached(Properties record, List<String> names) {
        String work = record.getProperty("backend." + RECORD_WORK, "");
        String folder = record.getProperty("backend." + RECORD_FOLDER, "");
        String network = record.getProperty("backend." + RECORD_NETWORK, "");
        if (work.isEmpty() || folder.isEmpty() || network.isEmpty() || !Files.isDirectory(Path.of(work))) {
            return Optional.empty();
        }
        Path workPath = Path.of(work);
        Map<String, String> environment;
        try {
            environment = StaleVagrantRuns.environment(workPath);
        } catch (IOException unreadable) {
            return Optional.empty();
        }
        VagrantMachines attached = new VagrantMachines(new Vagrant(Path.of(folder), workPath.resolve("state"), environment),
                SubnetLease.ofKept(network), workPath, null);
        for (String name : names) {
            String[] fields = record.getProperty("backend." + RECORD_MACHINE + name, "").split(" ", 6);
            if (fields.length < 6) {
                return Optional.empty();
            }
            attached.machines.add(new Machine(name, fields[0], Integer.parseInt(fields[1]), fields[2], Path.of(fields[3]),
                    HostKeys.pinned(fields[5]), fields[4]));
        }
        attached.serving = attached.machines.size();
        return Optional.of(attached);
    }

    @Override
    public void detach() {
        subnet.detach();
    }

    @Override
    public Optional<String> release(boolean keepEvidence, boolean leftAsFound) {
        if (keepEvidence) {
            // the kept machines still use the subnet
            subnet.keep();
            return Optional.of("Vagrant machines kept: remove them with VAGRANT_CWD=" + vagrant.folder()
                    + " VAGRANT_DOTFILE_PATH=" + vagrant.state() + " vagrant destroy -f");
        }
        if (leftAsFound && idleKey != null && IdleVagrantMachines.park(idleKey, this)) {
            return Optional.empty();
        }
        return destroy();
    }

    /** The machines, their network and their work directory removed; what may remain, if anything does. */
    Optional<String> destroy() {
        String run = work.getFileName().toString();
        // the docker provider's machines are containers: removed by docker, far cheaper than Vagrant's destroy
        boolean removedByDocker = onDockerProvider() && DockerLeftovers.removeMachines(run, subnet.network());
        Vagrant.Result destroyed = removedByDocker ? new Vagrant.Result(0, "") : destroy(vagrant);
        if (!removedByDocker) {
            DockerLeftovers.remove(run);
        }
        subnet.close();
        if (!destroyed.ok()) {
            return Optional.of("`vagrant destroy -f` failed; machines may remain (VAGRANT_CWD=" + vagrant.folder()
                    + " VAGRANT_DOTFILE_PATH=" + vagrant.state() + "):\n" + tail(destroyed.output()));
        }
        deleteTree(work);
        return Optional.empty();
    }

    /** Whether Vagrant made any of the machines with its docker provider (its state says so per machine). */
    private boolean onDockerProvider() {
        try (Stream<Path> made = Files.list(vagrant.state().resolve("machines"))) {
            return made.anyMatch(machine -> Files.isDirectory(machine.resolve("docker")));
        } catch (IOException | UncheckedIOException nothingMade) {
            return false;
        }
    }

    static Vagrant.Result destroy(Vagrant vagrant) {
        try (VagrantLock ordered = VagrantLock.acquire()) {
            return vagrant.run(Duration.ofMinutes(5), "destroy", "-f");
        }
    }

    private static Path folder(Properties properties, Path work) {
        String folder = properties.getProperty(FOLDER_PROPERTY, "").trim();
        if (!folder.isEmpty()) {
            return Path.of(folder).toAbsolutePath();
        }
        try {
            // the work directory itself, whose name is unique: the docker provider names containers after the folder
            Files.writeString(work.resolve("Vagrantfile"), ConfigFiles.read("vagrant/Vagrantfile"), StandardCharsets.UTF_8);
            return work;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createWorkDirectory() {
        try {
            return Files.createTempDirectory(StaleVagrantRuns.PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for Vagrant's state", e);
        }
    }

    static void deleteTree(Path root) {
        try {
            Trees.delete(root);
        } catch (UncheckedIOException ignored) {
            // a temporary directory: best effort
        }
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
