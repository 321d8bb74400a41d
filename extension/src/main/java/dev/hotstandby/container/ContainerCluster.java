package dev.hotstandby.container;

import dev.hotstandby.spi.Passwords;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.Lsn;
import dev.hotstandby.PostgresMajor;
import dev.hotstandby.config.ConfigFiles;
import dev.hotstandby.spi.DataSources;
import dev.hotstandby.spi.NodeRuntime;
import dev.hotstandby.spi.RunningCluster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.Transferable;

/**
 * A primary and its standbys, one container each, on a Docker network of their own where every
 * node is reachable by its name (a network alias). The test JVM reaches them through mapped ports.
 *
 * <p>The primary is initialised by the image's own entrypoint; its initdb hook hands initdb's
 * config files to this class, which applies the repository's configs/ to them. Every standby is a
 * {@code pg_basebackup} of its upstream taken inside its own container over the network, so it
 * carries the primary's configuration; only its identity (node.conf) and standby settings
 * (configs/standby.conf, rendered) are its own. All containers start in parallel; standbys retry
 * their base backup until the upstream accepts.
 */
final class ContainerCluster implements RunningCluster {
    private static final Set<ContainerCluster> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(cluster -> cluster.close(false)),
                "hotstandby-containers-shutdown"));
    }

    static final String SUPERUSER = "postgres";
    private static final String DATABASE = "postgres";
    private static final Pattern INITDB_DONE = Pattern.compile("hotstandby: initdb done");
    private static final Pattern CONFIG_INSTALLED = Pattern.compile("hotstandby: configuration installed");
    private static final Pattern READY = Pattern.compile("database system is ready to accept (read.only )?connections");
    /** Where the initdb hook and this class exchange config files inside the primary's container. */
    private static final String EXCHANGE = "/tmp/hotstandby-configs";
    private static final String SCRIPTS = "/hotstandby";
    /** A cap, not a reservation: tmpfs takes memory only as files fill it. */
    private static final String TMPFS_SIZE = "4g";

    private final ClusterSpec spec;
    private final DockerClient client;
    private final PostgresImage image;
    private final String id = Passwords.generate().substring(0, 8).toLowerCase(java.util.Locale.ROOT)
            .replaceAll("[^a-z0-9]", "x");
    private final String password = Passwords.generate();
    private final List<ContainerNode> nodes = new ArrayList<>();
    /** Which node each standby streams from: the primary, or another standby when cascading. */
    private final Map<ContainerNode, ContainerNode> upstreams = new ConcurrentHashMap<>();
    private final int major;
    private Network network;
    private List<String> subnets = List.of();
    private String archiveVolume;
    /** {@code $PGDATA} inside the containers: the image's, on a tmpfs. */
    private final String dataDirectory;
    private boolean closed;

    private ContainerCluster(ClusterSpec spec, DockerClient client, PostgresImage image) {
        this.spec = spec;
        this.client = client;
        this.image = image;
        this.major = spec.major();
        this.dataDirectory = image.dataDirectory(client);
    }

    static ContainerCluster start(ClusterSpec spec, DockerClient client, PostgresImage image) {
        ContainerCluster cluster = new ContainerCluster(spec, client, image);
        OPEN.add(cluster);
        try {
            cluster.boot();
            return cluster;
        } catch (RuntimeException | Error failure) {
            String logs = cluster.logTails(30);
            cluster.close(false);
            throw new ClusterStartException(spec.owner() + ": the cluster did not start on image " + image + ": "
                    + failure.getMessage() + "\n(every container, network and volume it had was removed)" + logs, failure);
        }
    }

    private void boot() {
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        network = Network.builder().createNetworkCmdModifier(cmd -> cmd.withName("hotstandby-" + id)
                .withLabels(Labels.forCluster(id))).build();
        subnets = client.inspectNetworkCmd().withNetworkId(network.getId()).exec().getIpam().getConfig().stream()
                .map(com.github.dockerjava.api.model.Network.Ipam.Config::getSubnet).filter(Objects::nonNull).toList();
        if (subnets.isEmpty()) {
            throw new ClusterStartException("Docker gave the network hotstandby-" + id + " no subnet");
        }
        if (spec.replication().archiving()) {
            archiveVolume = "hotstandby-" + id + "-archive";
            Map<String, String> labels = new HashMap<>(Labels.forCluster(id));
            labels.putAll(DockerClientFactory.DEFAULT_LABELS);
            client.createVolumeCmd().withName(archiveVolume).withLabels(labels).exec();
        }
        nodes.add(newNode(ClusterSpec.PRIMARY_NAME, ContainerNode.Role.PRIMARY));
        for (int i = 0; i < spec.standbys(); i++) {
            nodes.add(newNode(ClusterSpec.standbyName(i), ContainerNode.Role.STANDBY));
        }
        for (int i = 0; i < spec.standbys(); i++) {
            upstreams.put(nodes.get(1 + i), nodes.get(spec.replication().upstreamOf(i) + 1));
        }
        for (ContainerNode standby : standbys()) {
            prepareStandby(standby, upstreams.get(standby));
        }
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size(), runnable -> {
            Thread thread = new Thread(runnable, "hotstandby-" + id + "-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ExecutorCompletionService<Void> starts = new ExecutorCompletionService<>(pool);
            List<Future<Void>> futures = new ArrayList<>();
            for (ContainerNode node : nodes) {
                futures.add(starts.submit(asTask(() -> {
                    if (node.isPrimary()) {
                        startPrimary(node, deadline);
                    } else {
                        startStandby(node, deadline);
                    }
                })));
            }
            for (int done = 0; done < futures.size(); done++) {
                awaitFirst(starts, deadline);
            }
        } finally {
            pool.shutdownNow();
        }
        if (spec.replication().replicationSlots()) {
            upstreams.forEach(this::createSlot);
        }
        awaitStreamingAndCaughtUp(deadline);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static Callable<Void> asTask(Step step) {
        return () -> {
            step.run();
            return null;
        };
    }

    /** The next finished start; the first failure ends the wait (the caller then removes everything). */
    private void awaitFirst(ExecutorCompletionService<Void> starts, long deadline) {
        try {
            Future<Void> next = starts.poll(Math.max(1, deadline - System.nanoTime()) + 5_000_000_000L, TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new TimeoutException();
            }
            next.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new ClusterStartException(cause.toString(), cause);
        } catch (TimeoutException e) {
            throw new ClusterStartException("not every container started within " + spec.startTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException("interrupted while the containers started");
        }
    }

    private ContainerNode newNode(String name, ContainerNode.Role role) {
        GenericContainer<?> container = new GenericContainer<>(image.name());
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("POSTGRES_USER", SUPERUSER);
        environment.put("POSTGRES_PASSWORD", password);
        environment.put("POSTGRES_DB", DATABASE);
        // the image would append a rule for every address with this method; it is dropped for the network's rules
        environment.put("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256");
        // no fsync of a throwaway cluster; 1 MB WAL segments (11+) make base backups small
        environment.put("POSTGRES_INITDB_ARGS", major >= 11 ? "--no-sync --wal-segsize=1" : "--no-sync");
        // pg_basebackup and the WAL receiver (libpq in the server) take the password from here
        environment.put("PGPASSWORD", password);
        environment.put("HOTSTANDBY_ROLE", role == ContainerNode.Role.PRIMARY ? "primary" : "standby");
        environment.put("HOTSTANDBY_TIMEOUT", String.valueOf(Math.max(1, spec.startTimeout().toSeconds())));
        container.withNetwork(network)
                .withNetworkAliases(name)
                .withExposedPorts(NodeSettings.PORT)
                .withLabels(Labels.forNode(id, name))
                .withEnv(environment)
                .withCopyToContainer(Transferable.of(resource("node.sh"), 0755), SCRIPTS + "/node.sh")
                // The data directory on a tmpfs: PostgreSQL makes about a thousand files per data directory,
                // and on the container's overlay file system initdb and base backups take several times longer.
                .withTmpFs(Map.of(dataDirectory, "rw,nosuid,nodev,size=" + TMPFS_SIZE))
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withName("hotstandby-" + id + "-" + name).withEntrypoint("bash", SCRIPTS + "/node.sh");
                    // Docker's init (tini) as process 1: node.sh runs the server as its child, and orphans get reaped
                    cmd.getHostConfig().withInit(true);
                    if (archiveVolume != null) {
                        cmd.getHostConfig().withBinds(new Bind(archiveVolume, new Volume(NodeSettings.ARCHIVE)));
                    }
                })
                .waitingFor(new NoWait());
        if (role == ContainerNode.Role.PRIMARY) {
            container.withCopyToContainer(Transferable.of(resource("initdb.sh"), 0755),
                    "/docker-entrypoint-initdb.d/hotstandby.sh");
        }
        return new ContainerNode(name, role, container, client);
    }

    /** Readiness is this class's own business: the initdb exchange, the log line, then a real query. */
    private static final class NoWait extends AbstractWaitStrategy {
        @Override
        protected void waitUntilReady() {
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = ContainerCluster.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " beside " + ContainerCluster.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the standby's node.sh installs after its base backup: identity and standby settings. */
    private void prepareStandby(ContainerNode standby, ContainerNode upstream) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("node.conf", NodeSettings.nodeConf(standby.name(), nodeOptions(standby)));
        files.put(ConfigFiles.standbyFileName(major), standbySettings(standby, upstream));
        if (!PostgresMajor.usesRecoveryConf(major)) {
            files.put("standby.signal", "");
        }
        files.forEach((file, content) -> standby.container().withCopyToContainer(
                Transferable.of(content.getBytes(StandardCharsets.UTF_8), 0644), SCRIPTS + "/standby/" + file));
        standby.container().withEnv("HOTSTANDBY_UPSTREAM", upstream.name());
    }

    private String standbySettings(ContainerNode standby, ContainerNode upstream) {
        return ConfigFiles.packaged().standbySettings(major, Map.of("primary_host", upstream.name(),
                "primary_port", String.valueOf(NodeSettings.PORT), "user", SUPERUSER, "name", standby.name()));
    }

    /** What this cluster's options add to a node's node.conf (as the local backend adds them). */
    private List<String> nodeOptions(ContainerNode node) {
        List<String> options = new ArrayList<>();
        if (node.role() == ContainerNode.Role.PRIMARY) {
            options.addAll(synchronousSettings(node));
        } else if (!PostgresMajor.usesRecoveryConf(major)) {
            options.add(NodeSettings.line("include", NodeSettings.quote(ConfigFiles.STANDBY_CONF),
                    "what makes this node a standby"));
            if (spec.replication().replicationSlots()) {
                options.add(NodeSettings.line("primary_slot_name", NodeSettings.quote(slotName(node)),
                        "replicationSlots = true: the upstream keeps the WAL this standby still needs"));
            }
        }
        if (spec.replication().archiving()) {
            String archive = NodeSettings.ARCHIVE;
            options.add(NodeSettings.line("archive_mode", "on", "archiving = true (a standby archives once promoted)"));
            options.add(NodeSettings.line("archive_command", NodeSettings.quote("test ! -f " + archive + "/%f && cp %p "
                    + archive + "/%f"), "into the cluster's archive volume, never overwriting a segment"));
            options.add(NodeSettings.line("restore_command", NodeSettings.quote("cp " + archive + "/%f %p"),
                    "a standby takes from the archive what streaming cannot give it"));
        }
        return options;
    }

    /** With synchronous = true, the standbys streaming from the primary confirm each commit. */
    private List<String> synchronousSettings(ContainerNode primary) {
        List<String> direct = standbys().stream().filter(node -> upstreams.get(node) == primary)
                .map(ContainerNode::name).toList();
        if (!spec.synchronous() || direct.isEmpty()) {
            return List.of();
        }
        return List.of(
                NodeSettings.line("synchronous_standby_names",
                        NodeSettings.quote(spec.replication().quorum().synchronousStandbyNames(direct)),
                        "synchronous = true: standbys confirm each commit"),
                NodeSettings.line("synchronous_commit", spec.replication().commitLevel().setting(),
                        "how far they take it before the commit returns"));
    }

    private static String slotName(ContainerNode standby) {
        return standby.name().replace('-', '_');
    }

    private void startPrimary(ContainerNode primary, long deadline) throws IOException {
        primary.container().start();
        int initdbDone = primary.awaitLine(INITDB_DONE, 0, deadline, "initdb");
        Tar.Contents stock;
        try (InputStream archive = client.copyArchiveFromContainerCmd(primary.containerId(), EXCHANGE + "/stock").exec()) {
            stock = Tar.read(archive);
        }
        String imageMajor = new String(stock.file("PG_VERSION"), StandardCharsets.UTF_8).trim();
        if (!imageMajor.equals(String.valueOf(major))) {
            throw new ClusterStartException("image " + image + " runs PostgreSQL " + imageMajor + ", but the cluster"
                    + " asks for " + major + ": set version = \"" + imageMajor + "\" (or -D" + ClusterSpec.VERSION_PROPERTY
                    + "=" + imageMajor + "), or choose an image of " + major + " (image = ..., or -D"
                    + ClusterSpec.IMAGE_PROPERTY + "=...)");
        }
        Map<String, byte[]> rendered = new LinkedHashMap<>();
        rendered.put("rendered/postgresql.conf", text(ConfigFiles.packaged().postgresqlConf(lines(stock.file("postgresql.conf")))));
        rendered.put("rendered/pg_hba.conf", text(NodeSettings.pgHbaConf(lines(stock.file("pg_hba.conf")), subnets,
                dockerHostIsRemote())));
        rendered.put("rendered/node.conf", NodeSettings.nodeConf(primary.name(), nodeOptions(primary))
                .getBytes(StandardCharsets.UTF_8));
        rendered.put("rendered/ready", new byte[0]); // last: the hook waits for it
        client.copyArchiveToContainerCmd(primary.containerId()).withRemotePath(EXCHANGE)
                .withTarInputStream(new ByteArrayInputStream(Tar.of(rendered, Tar.Owner.ROOT, 0644))).exec();
        int installed = primary.awaitLine(CONFIG_INSTALLED, initdbDone, deadline, "installing the configuration");
        primary.awaitLine(READY, installed, deadline, "the server's start after initialisation");
        primary.refreshAddress();
        awaitConnectable(primary, deadline);
    }

    private void startStandby(ContainerNode standby, long deadline) {
        standby.container().start();
        standby.awaitLine(READY, 0, deadline, "its start (a base backup of " + upstreams.get(standby).name()
                + " over the network, then recovery)");
        standby.refreshAddress();
        awaitConnectable(standby, deadline);
    }

    /** A Docker daemon elsewhere (tcp:// to another machine) keeps the client's own address in its port mapping. */
    private static boolean dockerHostIsRemote() {
        URI dockerHost = DockerClientFactory.instance().getTransportConfig().getDockerHost();
        String scheme = String.valueOf(dockerHost.getScheme());
        if (scheme.equals("unix") || scheme.equals("npipe")) {
            return false;
        }
        String host = String.valueOf(dockerHost.getHost());
        return !(host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]"));
    }

    private static List<String> lines(byte[] file) {
        return ConfigFiles.lines(new String(file, StandardCharsets.UTF_8));
    }

    private static byte[] text(List<String> lines) {
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    /** The log line came first; now a real query must work through the mapped port, with the password. */
    private void awaitConnectable(ContainerNode node, long deadline) {
        SQLException last = null;
        while (System.nanoTime() - deadline < 0) {
            try (Connection connection = connect(node); Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
                return;
            } catch (SQLException notYet) {
                last = notYet;
                pause(20);
            }
        }
        throw new ClusterStartException(node.name() + " (" + node.host() + ":" + node.port() + ") logged that it is"
                + " ready, but does not answer queries through the mapped port: " + (last == null ? "timeout" : last.getMessage()),
                last);
    }

    private Connection connect(ContainerNode node) throws SQLException {
        return DataSources.create(node.host(), node.port(), DATABASE, SUPERUSER, password).getConnection();
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException("interrupted");
        }
    }

    private void createSlot(ContainerNode standby, ContainerNode upstream) {
        try (Connection connection = connect(upstream)) {
            if (single(connection, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slotName(standby) + "'")
                    .equals("0")) {
                single(connection, "SELECT pg_create_physical_replication_slot('" + slotName(standby) + "', true)");
            }
        } catch (SQLException e) {
            throw new ClusterStartException("cannot create the replication slot of " + standby.name() + " on "
                    + upstream.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The start contract: every standby's WAL receiver is streaming and has replayed the primary's
     * position as of now (standbys of standbys included).
     */
    private void awaitStreamingAndCaughtUp(long deadline) {
        List<ContainerNode> standbys = standbys();
        if (standbys.isEmpty()) {
            return;
        }
        Map<ContainerNode, Connection> connections = new LinkedHashMap<>();
        try {
            for (ContainerNode node : nodes) {
                connections.put(node, connect(node));
            }
            for (ContainerNode standby : standbys) {
                String status = null;
                while (!"streaming".equals(status = single(connections.get(standby),
                        "SELECT status FROM pg_stat_wal_receiver"))) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new ClusterStartException(standby.name() + " did not stream from "
                                + upstreams.get(standby).name() + " within " + spec.startTimeout()
                                + " (its WAL receiver: " + (status == null ? "not running" : status) + ")");
                    }
                    pause(2);
                }
            }
            // ... and each upstream sees it streaming: with synchronous = true, as a synchronous candidate
            // (a walsender takes its priority from synchronous_standby_names a moment after it starts)
            for (ContainerNode standby : standbys) {
                ContainerNode upstream = upstreams.get(standby);
                boolean candidate = spec.synchronous() && upstream.isPrimary();
                String sql = "SELECT count(*) FROM pg_stat_replication WHERE application_name = '" + standby.name()
                        + "' AND state = 'streaming'" + (candidate ? " AND sync_priority > 0" : "");
                while (!"1".equals(single(connections.get(upstream), sql))) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new ClusterStartException(upstream.name() + " does not list " + standby.name() + " as streaming"
                                + (candidate ? " synchronous candidate" : "") + " in pg_stat_replication within "
                                + spec.startTimeout());
                    }
                    pause(2);
                }
            }
            Lsn target = Lsn.parse(single(connections.get(primary()), "SELECT pg_current_wal_flush_lsn()::text"));
            for (ContainerNode standby : standbys) {
                String replayed = null;
                while (true) {
                    replayed = single(connections.get(standby), "SELECT pg_last_wal_replay_lsn()::text");
                    if (replayed != null && Lsn.parse(replayed).isAtLeast(target)) {
                        break;
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new ClusterStartException(standby.name() + " did not catch up within " + spec.startTimeout()
                                + ": replayed up to " + replayed + ", primary at " + target);
                    }
                    pause(2);
                }
            }
        } catch (SQLException e) {
            throw new ClusterStartException("cannot query the servers: " + e.getMessage(), e);
        } finally {
            connections.values().forEach(ContainerCluster::closeQuietly);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    private ContainerNode primary() {
        return nodes.stream().filter(ContainerNode::isPrimary).findFirst()
                .orElseThrow(() -> new IllegalStateException("the cluster has no primary"));
    }

    private List<ContainerNode> standbys() {
        return nodes.stream().filter(ContainerNode::isStandby).toList();
    }

    // --- operations on running nodes ---------------------------------------------------------

    /**
     * A fast shutdown (SIGINT to the postmaster); the container, its tmpfs data directory, network
     * alias and mapped port stay for {@link #start}.
     */
    @Override
    public void stop(NodeRuntime node) {
        own(node).hold("INT");
    }

    /** SIGKILL to the postmaster, as {@code kill -9}: the next start runs crash recovery. */
    @Override
    public void kill(NodeRuntime node) {
        own(node).hold("KILL");
    }

    /** Starts the held server again in its container; returns once it answers a query. */
    @Override
    public void start(NodeRuntime node) {
        ContainerNode container = own(node);
        container.release();
        container.refreshAddress();
        awaitConnectable(container, System.nanoTime() + spec.startTimeout().toNanos());
    }

    /**
     * {@code pg_promote(false)} (a trigger file and SIGUSR1 on 11 and older, as pg_ctl does), then a
     * poll of {@code pg_is_in_recovery()}. The other standbys are re-pointed at the new primary by
     * name over the network: a reload from 13 on, a restart before.
     */
    @Override
    public synchronized void promote(NodeRuntime node) {
        ContainerNode promoted = own(node);
        ContainerNode former = primary();
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        try (Connection connection = connect(promoted)) {
            if (major >= 12) {
                single(connection, "SELECT pg_promote(false)");
            } else {
                promoted.exec("touch \"$PGDATA/promote\" && kill -USR1 \"$(head -n 1 \"$PGDATA/postmaster.pid\")\"");
            }
            while ("t".equals(single(connection, "SELECT pg_is_in_recovery()"))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ClusterStartException(promoted.name() + " was not promoted within " + spec.startTimeout()
                            + ":\n" + String.join("\n", promoted.logTail(20)));
                }
                pause(2);
            }
        } catch (SQLException e) {
            throw new ClusterStartException("cannot promote " + promoted.name() + ": " + e.getMessage(), e);
        }
        former.setRole(ContainerNode.Role.FORMER_PRIMARY);
        promoted.setRole(ContainerNode.Role.PRIMARY);
        upstreams.remove(promoted);
        upstreams.remove(former);
        upstreams.replaceAll((standby, upstream) -> upstream == former || upstream == promoted ? promoted : upstream);
        writeDataFile(promoted, "node.conf", NodeSettings.nodeConf(promoted.name(), nodeOptions(promoted)));
        reload(promoted);
        for (ContainerNode follower : standbys().stream().filter(n -> upstreams.get(n) == promoted).toList()) {
            if (spec.replication().replicationSlots()) {
                createSlot(follower, promoted);
            }
            writeDataFile(follower, ConfigFiles.standbyFileName(major), standbySettings(follower, promoted));
            if (follower.isServerRunning()) {
                if (major >= 13) {
                    reload(follower);
                } else {
                    stop(follower);
                    start(follower);
                }
            }
        }
    }

    /**
     * Re-seeds a former primary as a standby of the current primary: its server is stopped (if it
     * still runs), its data directory emptied and refilled by {@code pg_basebackup} of the primary
     * over the network inside its own container, then it starts with its standby settings.
     */
    @Override
    public synchronized void rejoin(NodeRuntime node) {
        ContainerNode rejoining = own(node);
        ContainerNode primary = primary();
        if (rejoining.isServerRunning()) {
            rejoining.hold("INT");
        }
        rejoining.exec("find \"$PGDATA\" -mindepth 1 -delete"
                + " && pg_basebackup --host=" + primary.name() + " --port=" + NodeSettings.PORT + " --username=" + SUPERUSER
                + " --no-password --pgdata=\"$PGDATA\" --wal-method=stream --checkpoint=fast --no-sync"
                + " && chown -R \"$(stat -c %u:%g \"$PGDATA\")\" \"$PGDATA\" && chmod 700 \"$PGDATA\"");
        rejoining.setRole(ContainerNode.Role.STANDBY);
        upstreams.put(rejoining, primary);
        if (spec.replication().replicationSlots()) {
            createSlot(rejoining, primary);
        }
        writeDataFile(rejoining, "node.conf", NodeSettings.nodeConf(rejoining.name(), nodeOptions(rejoining)));
        writeDataFile(rejoining, ConfigFiles.standbyFileName(major), standbySettings(rejoining, primary));
        if (!PostgresMajor.usesRecoveryConf(major)) {
            writeDataFile(rejoining, "standby.signal", "");
        }
        start(rejoining);
        writeDataFile(primary, "node.conf", NodeSettings.nodeConf(primary.name(), nodeOptions(primary)));
        reload(primary);
    }

    /** The cut, as on the local backend: an empty primary_conninfo stops the standby's WAL receiver; both servers stay up and reachable. */
    @Override
    public void disconnect(NodeRuntime node) {
        setPrimaryConnInfo(own(node), "ALTER SYSTEM SET primary_conninfo = ''");
    }

    @Override
    public void reconnect(NodeRuntime node) {
        setPrimaryConnInfo(own(node), "ALTER SYSTEM RESET primary_conninfo");
    }

    private void setPrimaryConnInfo(ContainerNode standby, String alterSystem) {
        if (major < 13) {
            throw new UnsupportedOperationException("disconnect and reconnect need PostgreSQL 13 or newer (primary_conninfo"
                    + " reloads without a restart from 13 on); this cluster runs " + major);
        }
        try (Connection connection = connect(standby); Statement statement = connection.createStatement()) {
            statement.execute(alterSystem);
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change how " + standby.name() + " connects: " + e.getMessage(), e);
        }
    }

    private void reload(ContainerNode node) {
        if (!node.isServerRunning()) {
            return;
        }
        try (Connection connection = connect(node)) {
            single(connection, "SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reload " + node.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replaces a file in the node's data directory, owned by the server's user. Through the shell, not
     * Docker's archive API, which cannot write into a tmpfs mount.
     */
    private static void writeDataFile(ContainerNode node, String name, String content) {
        String encoded = java.util.Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8));
        node.exec("f=\"$PGDATA/" + name + "\" && printf '%s' '" + encoded + "' | base64 -d > \"$f.new\""
                + " && chown \"$(stat -c %u:%g \"$PGDATA\")\" \"$f.new\" && chmod 600 \"$f.new\" && mv \"$f.new\" \"$f\"");
    }

    private ContainerNode own(NodeRuntime node) {
        if (node instanceof ContainerNode container && nodes.contains(container)) {
            return container;
        }
        throw new IllegalArgumentException(node.name() + " is not a node of this cluster");
    }

    @Override
    public List<NodeRuntime> nodes() {
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

    String logTails(int lines) {
        StringBuilder tails = new StringBuilder();
        for (ContainerNode node : nodes) {
            tails.append("\n--- last lines of the container log of ").append(node.name()).append(" ---\n")
                    .append(String.join("\n", node.logTail(lines)));
        }
        return tails.toString();
    }

    /**
     * Removes every container (with its volumes), the network and the archive volume. With
     * {@code keepEvidence}, each container's whole log (and its config files) is saved to a
     * directory first, whose path is returned.
     */
    @Override
    public synchronized Optional<String> close(boolean keepEvidence) {
        if (closed) {
            return Optional.empty();
        }
        closed = true;
        OPEN.remove(this);
        Optional<String> kept = Optional.empty();
        if (keepEvidence) {
            kept = Optional.of(Evidence.save(spec, id, nodes).toString());
        }
        List<String> problems = new ArrayList<>();
        List<Thread> removals = new ArrayList<>();
        for (ContainerNode node : nodes) {
            Thread removal = new Thread(() -> {
                try {
                    node.container().stop();
                } catch (RuntimeException e) {
                    synchronized (problems) {
                        problems.add(node.name() + ": " + e.getMessage());
                    }
                }
            }, "hotstandby-" + id + "-remove-" + node.name());
            removal.start();
            removals.add(removal);
        }
        for (Thread removal : removals) {
            try {
                removal.join(TimeUnit.SECONDS.toMillis(90));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (network != null) {
            try {
                network.close();
            } catch (RuntimeException e) {
                problems.add("network hotstandby-" + id + ": " + e.getMessage());
            }
        }
        if (archiveVolume != null) {
            try {
                client.removeVolumeCmd(archiveVolume).exec();
            } catch (RuntimeException e) {
                problems.add("volume " + archiveVolume + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            System.err.println("hotstandby: " + spec.owner() + ": could not remove everything (the next start after this"
                    + " JVM ends removes what has label " + Labels.OWNER + "=" + Labels.owner() + "): " + problems);
        }
        return kept;
    }
}
