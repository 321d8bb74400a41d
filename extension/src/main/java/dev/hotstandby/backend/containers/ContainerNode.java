package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.BackendCluster.ToolRun;
import dev.hotstandby.engine.BackendNode;
import dev.hotstandby.engine.DataSources;
import dev.hotstandby.engine.Waits;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ExecConfig;
import org.testcontainers.containers.ExecInContainerPattern;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.FrameConsumerResultCallback;
import org.testcontainers.containers.output.OutputFrame;

/**
 * One PostgreSQL server in its own container. The container's output is its server log: it is
 * watched while the container starts (for the backend's own markers and "ready to accept"), and
 * read from Docker for {@link #logTail}, so it covers restarts too. The engine's statements go through
 * the mapped port with the cluster's password, as the tests' do.
 */
final class ContainerNode implements BackendNode {
    /** node.sh's line before each start of the server: what follows is that server's output. */
    private static final Pattern SERVER_STARTING = Pattern.compile("hotstandby: starting the server");
    private final String name;
    /** Null for a container an earlier run kept ({@link #attached}): Testcontainers did not start it here. */
    private final GenericContainer<?> container;
    /** What Docker said of a kept container when this JVM attached to it; null for one started here. */
    private final InspectContainerResponse kept;
    /** The kept container's output, followed from the moment of attaching. */
    private volatile java.io.Closeable following;
    private final DockerClient client;
    /** The id of the cluster's replication network, which {@link #leaveReplicationNetwork} leaves. */
    private final String replicationNetwork;
    /** Output lines seen since the container was created (restarts are read from Docker instead). */
    private final LogLines seen;
    private final String password;
    private volatile String host;
    private volatile int port;
    private volatile List<String> logsAtRemoval;
    private volatile boolean held;
    private volatile String archiveDirectory = NodeSettings.ARCHIVE;
    /** The engine's connection; closed whenever the server stops, starts or moves to another host port. */
    private Connection connection;

    ContainerNode(String name, GenericContainer<?> container, DockerClient client, String replicationNetwork, String password) {
        this.name = name;
        this.seen = new LogLines(name);
        this.replicationNetwork = replicationNetwork;
        this.password = password;
        this.container = container;
        this.kept = null;
        this.client = client;
        container.withLogConsumer(this::accept);
    }

    private ContainerNode(String name, InspectContainerResponse kept, DockerClient client, String replicationNetwork,
                          String password) {
        this.name = name;
        this.seen = new LogLines(name);
        this.replicationNetwork = replicationNetwork;
        this.password = password;
        this.container = null;
        this.kept = kept;
        this.client = client;
    }

    /**
     * The node in a running container that an earlier run kept for reuse: its output followed from
     * now on (what it logged before is not this JVM's to wait for), its server held or not as that
     * run left it, its address read.
     */
    static ContainerNode attached(String name, InspectContainerResponse kept, DockerClient client, String replicationNetwork,
                                  String password) {
        ContainerNode node = new ContainerNode(name, kept, client, replicationNetwork, password);
        FrameConsumerResultCallback output = new FrameConsumerResultCallback();
        output.addConsumer(OutputFrame.OutputType.STDOUT, node::accept);
        output.addConsumer(OutputFrame.OutputType.STDERR, node::accept);
        node.following = client.logContainerCmd(kept.getId()).withStdOut(true).withStdErr(true).withFollowStream(true)
                .withTail(0).exec(output);
        node.held = !node.exec("test -e /tmp/hotstandby-hold && echo held || true").isBlank();
        node.refreshAddress();
        return node;
    }

    /** The end of this JVM for a node kept for reuse: its session and the following of its output end, the container runs on. */
    void detach() {
        closeConnection();
        java.io.Closeable output = following;
        if (output != null) {
            try {
                output.close();
            } catch (java.io.IOException ignored) {
                // the stream ends with the JVM anyway
            }
        }
    }

    /** Stops and removes the container, with its anonymous volumes. */
    void removeContainer() {
        if (container != null) {
            container.stop();
            return;
        }
        detach();
        client.removeContainerCmd(containerId()).withForce(true).withRemoveVolumes(true).exec();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    /** Its name is its alias on the cluster's replication network. */
    @Override
    public String replicationHost() {
        return name;
    }

    @Override
    public int replicationPort() {
        return NodeSettings.PORT;
    }

    @Override
    public List<String> identitySettings() {
        return NodeSettings.identity(name);
    }

    /** In the shared archive volume (archiving = true): its root, or the directory of the last boot again in place. */
    @Override
    public String archiveDirectory() {
        return archiveDirectory;
    }

    /** Where this node's server archives and restores from, once booted again in place ({@link ClusterReboot}). */
    void archiveInto(String directory) {
        archiveDirectory = directory;
    }

    @Override
    public synchronized String query(String sql) throws SQLException {
        if (connection == null) {
            connection = open();
        }
        try (Statement statement = connection.createStatement()) {
            // CHECKPOINT and the like return no rows at all
            if (!statement.execute(sql)) {
                return null;
            }
            try (ResultSet rows = statement.getResultSet()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            // a broken connection (the server restarted, crashed or ended it) is opened afresh by the next query
            if (connection.isClosed() || e.getSQLState() == null || e.getSQLState().startsWith("08")
                    || e.getSQLState().startsWith("57P")) {
                closeConnection();
            }
            throw e;
        }
    }

    private Connection open() throws SQLException {
        return DataSources.create(host, port, NodeConnections.DATABASE, NodeConnections.SUPERUSER, password).getConnection();
    }

    @Override
    public void closeSession() {
        closeConnection();
    }

    synchronized void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
            connection = null;
        }
    }

    @Override
    public void writeDataFile(String file, String content) {
        NodeConfigFiles.write(this, file, content);
    }

    /** Before 12 there is no pg_promote(): the trigger file and SIGUSR1, as pg_ctl does. */
    @Override
    public void triggerPromotion() {
        exec("touch \"$PGDATA/promote\" && kill -USR1 \"$(head -n 1 \"$PGDATA/postmaster.pid\")\"");
    }

    GenericContainer<?> container() {
        return container;
    }

    String containerId() {
        return container != null ? container.getContainerId() : kept.getId();
    }

    private void accept(OutputFrame frame) {
        if (frame.getType() != OutputFrame.OutputType.END) {
            seen.add(frame.getUtf8StringWithoutLineEnding());
        }
    }

    /**
     * Waits for an output line matching {@code pattern} at or after line {@code from}; returns its
     * index. Fails at once if the container stops, or at the deadline.
     */
    int awaitLine(Pattern pattern, int from, long deadline, String what) {
        return seen.await(pattern, from, deadline, what,
                () -> isRunning() ? java.util.Optional.empty() : java.util.Optional.of("its container exited"));
    }

    /** False between {@link #hold} and {@link #release}: the server is stopped or killed, its container runs on. */
    @Override
    public boolean isServerRunning() {
        return !held;
    }

    /** Lets node.sh start the held server again; returns once it answers a query through the (re-read) mapped port. */
    @Override
    public void startServer(Duration timeout) {
        release();
        awaitConnectable(timeout);
    }

    /**
     * A fast shutdown (SIGINT to the postmaster); the container, its tmpfs data directory, network
     * alias and mapped port stay for {@link #startServer}.
     */
    @Override
    public void stopServer() {
        hold("INT");
    }

    @Override
    public void killServer() {
        hold("KILL");
    }

    /** Stops (INT: a fast shutdown) or kills (KILL) the server and returns once it is gone; the container stays. */
    private void hold(String signal) {
        closeConnection();
        if (held) {
            return;
        }
        exec("bash /hotstandby/node.sh hold " + signal);
        held = true;
    }

    private void release() {
        closeConnection();
        exec("bash /hotstandby/node.sh release");
        held = false;
    }

    /**
     * A boot again in place, in one exec: every server process killed, the data directory a fresh
     * copy of the template with {@code environment}'s files and rules ({@link NodeContainers#nodeEnvironment}),
     * the server started; returns the index of the log line from which the output is the new
     * server's. The container, its network aliases and mapped port stay.
     */
    int reboot(Map<String, String> environment, long deadline) {
        closeConnection();
        held = true;
        int from = logSize();
        exec("bash /hotstandby/node.sh reboot", environment);
        held = false;
        return awaitLine(SERVER_STARTING, from, deadline, "its server's start on fresh data");
    }

    private int logSize() {
        return seen.size();
    }

    /**
     * The server logged that it is ready (or was released); now a real query must work through the
     * mapped port, with the password: the port mapping and pg_hba.conf are only proven this way.
     * Docker may publish another host port when the server comes back, so it is read first.
     */
    void awaitConnectable(Duration timeout) {
        refreshAddress();
        Waits.until(name + " (" + host + ":" + port + ") answers queries through the mapped port", timeout,
                () -> "1".equals(query("SELECT 1")), () -> "its log:\n" + String.join("\n", logTail(15)));
    }

    /** Runs a bash command in the container (as root, with the image's environment); fails on a non-zero status. */
    String exec(String command) {
        return exec(command, Map.of());
    }

    /** ... with {@code environment} added to the image's. */
    String exec(String command, Map<String, String> environment) {
        org.testcontainers.containers.Container.ExecResult result = run(command, environment);
        if (result.getExitCode() != 0) {
            throw new IllegalStateException(name + ": `" + command + "` failed with status " + result.getExitCode()
                    + ": " + result.getStderr() + result.getStdout());
        }
        return result.getStdout();
    }

    /** A command whose failure is an answer, not an error: its exit status and output (stdout, then stderr). */
    ToolRun tryExec(String command) {
        org.testcontainers.containers.Container.ExecResult result = run(command, Map.of());
        return new ToolRun(result.getExitCode(), result.getStdout() + result.getStderr());
    }

    private org.testcontainers.containers.Container.ExecResult run(String command, Map<String, String> environment) {
        try {
            ExecConfig exec = ExecConfig.builder().command(new String[] {"bash", "-c", command}).envVars(environment).build();
            return container != null ? container.execInContainer(exec) : ExecInContainerPattern.execInContainer(client, kept, exec);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(name + ": cannot run `" + command + "`", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted while running `" + command + "`", e);
        }
    }

    /** Whether the container runs (its server may be held). */
    boolean isRunning() {
        try {
            InspectContainerResponse.ContainerState state = client.inspectContainerCmd(containerId()).exec().getState();
            return state != null && Boolean.TRUE.equals(state.getRunning());
        } catch (RuntimeException gone) {
            return false;
        }
    }

    /**
     * Reads where the test JVM reaches the node: Testcontainers' host, and the host port Docker
     * mapped to 5432 — read again after each start, since Docker may publish a new one.
     */
    void refreshAddress() {
        closeConnection();
        InspectContainerResponse info = client.inspectContainerCmd(containerId()).exec();
        Ports.Binding[] bindings = info.getNetworkSettings().getPorts().getBindings()
                .get(ExposedPort.tcp(NodeSettings.PORT));
        if (bindings == null || bindings.length == 0 || bindings[0].getHostPortSpec() == null) {
            throw new ClusterStartException(name + ": Docker published no host port for " + NodeSettings.PORT);
        }
        host = container != null ? container.getHost() : DockerClientFactory.instance().dockerHostIpAddress();
        port = Integer.parseInt(bindings[0].getHostPortSpec());
    }

    /** Joins the replication network with the node's name as its alias there. */
    static void connect(DockerClient client, String network, String containerId, String alias) {
        client.connectToNetworkCmd().withNetworkId(network).withContainerId(containerId)
                .withContainerNetwork(new com.github.dockerjava.api.model.ContainerNetwork().withAliases(alias)).exec();
    }

    /**
     * A real network partition: the container leaves the replication network ({@code docker network
     * disconnect --force}), so no packet reaches it from the other nodes nor leaves it for them; the
     * access network, and with it the mapped port, stays. Returns the address it had there.
     */
    String leaveReplicationNetwork() {
        String address = replicationAddress();
        client.disconnectFromNetworkCmd().withNetworkId(replicationNetwork).withContainerId(containerId())
                .withForce(true).exec();
        return address;
    }

    /** Back on the replication network under its name; returns its (possibly new) address there. */
    String joinReplicationNetwork() {
        connect(client, replicationNetwork, containerId(), name);
        return replicationAddress();
    }

    /** The container's address on the replication network, or null while it is off it. */
    String replicationAddress() {
        return addressOn(replicationNetwork);
    }

    /** The container's address on a network, or null while it is not on it. */
    String addressOn(String networkId) {
        return client.inspectContainerCmd(containerId()).exec().getNetworkSettings().getNetworks().values().stream()
                .filter(network -> networkId.equals(network.getNetworkID()))
                .map(com.github.dockerjava.api.model.ContainerNetwork::getIpAddress)
                .findFirst().orElse(null);
    }

    @Override
    public List<String> logTail(int lines) {
        List<String> kept = logsAtRemoval;
        if (kept != null) {
            return new ArrayList<>(kept.subList(Math.max(0, kept.size() - lines), kept.size()));
        }
        if (containerId() == null) {
            return List.of("(" + name + " has no container yet)");
        }
        return ContainerLogs.read(client, containerId(), lines);
    }

    /** The whole log, read before the container goes; {@link #logTail} serves from it afterwards. */
    List<String> keepLogsForRemoval() {
        if (containerId() == null) {
            return List.of();
        }
        List<String> all = ContainerLogs.read(client, containerId(), -1);
        logsAtRemoval = all;
        return all;
    }

    @Override
    public String toString() {
        return name + " (" + host + ":" + port + ", container " + (containerId() == null ? "-"
                : containerId().substring(0, Math.min(12, containerId().length()))) + ")";
    }
}
