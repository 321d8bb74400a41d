package dev.hotstandby.backend.local;

import dev.hotstandby.ClusterStartException;
import dev.hotstandby.config.ReplicationSettings;
import dev.hotstandby.engine.BackendNode;
import dev.hotstandby.engine.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code postgres} server process, spawned directly (no {@code pg_ctl}: its {@code -w} polls
 * in 100 ms steps) with its output appended to {@code server.log} beside the data directory.
 */
final class LocalNode implements BackendNode {
    static final String HOST = "127.0.0.1";

    private final String name;
    private final Path home;
    private final PostgresBinaries binaries;
    private final PortReservations.Port port;
    /** The cluster's private (0700) socket directory: standbys stream through it, the engine talks through it. */
    private final Path sockets;
    private final Path archive;
    /**
     * The postmaster: this JVM's child, or, for a cluster reused from another run, the server that run
     * left (adopted by its pid). Read by the relay threads of the standbys that stream from this node.
     */
    private volatile ProcessHandle process;
    /** Killed and not started since: its shared memory is still registered with the kernel. */
    private volatile boolean crashed;
    /** The engine's session over the private socket; closed whenever the server stops or starts. */
    private SocketSession session;

    LocalNode(String name, Path home, PostgresBinaries binaries, PortReservations.Port port, Path sockets, Path archive) {
        this.name = name;
        this.home = home;
        this.binaries = binaries;
        this.port = port;
        this.sockets = sockets;
        this.archive = archive;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port.number();
    }

    @Override
    public String replicationHost() {
        return sockets.toString();
    }

    /** The server's own Unix socket, where a replication link relay delivers. */
    Path socket() {
        return sockets.resolve(".s.PGSQL." + port());
    }

    @Override
    public int replicationPort() {
        return port();
    }

    @Override
    public List<String> identitySettings() {
        return List.of(
                ReplicationSettings.line("port", String.valueOf(port()), "its own loopback port, reserved across JVMs"),
                ReplicationSettings.line("unix_socket_directories", ReplicationSettings.quote(sockets.toString()),
                        "private (0700) socket directory; standbys stream through it"),
                ReplicationSettings.line("cluster_name", ReplicationSettings.quote(name), "names the server in ps and in its log"),
                ReplicationSettings.line("log_line_prefix", ReplicationSettings.quote("%m [%p] " + name + ": "),
                        "every log line names the node"),
                ReplicationSettings.line("wal_sender_timeout", ReplicationSettings.quote("5s"), "disconnect() cuts the"
                        + " relay a standby streams through, as a network partition: a WAL sender notices after this long"
                        + " (60 s by default), as on the other backends"),
                ReplicationSettings.line("wal_receiver_timeout", ReplicationSettings.quote("5s"), "... and a standby's"
                        + " WAL receiver, then retries every wal_retrieve_retry_interval"));
    }

    @Override
    public String archiveDirectory() {
        return archive.toString();
    }

    /** Over the private socket, where pg_hba trusts the superuser: before the cluster has a password too. */
    @Override
    public synchronized String query(String sql) throws SQLException {
        if (session == null) {
            session = SocketSession.open(sockets, port(), TemplateCache.SUPERUSER);
        }
        try {
            return session.query(sql);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                closeSession();
            }
            throw e;
        }
    }

    /** Over the private socket, trusted: no password, no SCRAM round, no pgjdbc. */
    @Override
    public java.util.Optional<dev.hotstandby.engine.DatabaseSession> openSession(String database) throws SQLException {
        return java.util.Optional.of(SocketSession.open(sockets, port(), TemplateCache.SUPERUSER, database));
    }

    @Override
    public synchronized void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    @Override
    public void writeDataFile(String file, String content) {
        write(dataDir().resolve(file), content);
    }

    @Override
    public boolean isServerRunning() {
        return isRunning();
    }

    @Override
    public void startServer(Duration timeout) {
        startAndAwaitReady(timeout);
    }

    @Override
    public void stopServer() {
        stop();
    }

    @Override
    public void killServer() {
        crash();
    }

    @Override
    public void triggerPromotion() {
        write(dataDir().resolve("promote"), "");
        Signals.send("USR1", List.of(pid()));
    }

    Path dataDir() {
        return home.resolve("data");
    }

    Path logFile() {
        return home.resolve("server.log");
    }

    void write(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    void spawn() {
        closeSession();
        ProcessBuilder builder = new ProcessBuilder(Rootless.wrap(List.of(
                binaries.executable("postgres").toString(), "-D", dataDir().toString())))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        builder.environment().put("LC_ALL", "C");
        try {
            Process started = builder.start();
            started.getOutputStream().close();
            process = started.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binaries.executable("postgres"), e);
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * Takes over the server a former run left running in this node's data directory, found by the pid
     * in its postmaster.pid (and only while that process still is this directory's server); false when
     * none runs, and then the node counts as stopped.
     */
    boolean adoptRunningServer() {
        try {
            List<String> lines = Files.readAllLines(dataDir().resolve("postmaster.pid"));
            long pid = Long.parseLong(lines.get(0).trim());
            String dir = lines.get(1).trim();
            process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info().commandLine().map(line -> line.contains(dir)).orElse(false))
                    .orElse(null);
        } catch (IOException | RuntimeException noServer) {
            process = null;
        }
        return process != null;
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * True once this process reports {@code ready} in postmaster.pid: accepting connections
     * (read-only on a standby). A crashed predecessor's stale file names another pid.
     */
    boolean isReady() {
        try {
            List<String> lines = Files.readAllLines(dataDir().resolve("postmaster.pid"));
            return lines.size() >= 8 && lines.get(0).trim().equals(String.valueOf(process.pid()))
                    && lines.get(7).trim().equals("ready");
        } catch (NoSuchFileException notYet) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Spawned and running, but not accepting connections yet. */
    boolean isStarting() {
        return isRunning() && !isReady();
    }

    /** Waits for the process to exit; returns false if it is still running after the timeout. */
    boolean awaitExit(long timeout, TimeUnit unit) {
        if (process == null) {
            return true;
        }
        try {
            process.onExit().get(timeout, unit);
            return true;
        } catch (java.util.concurrent.TimeoutException stillRunning) {
            return false;
        } catch (java.util.concurrent.ExecutionException cannotTell) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void killForcibly() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    /**
     * A killed postmaster leaves its System V segment behind ({@link #crash()} removes the
     * /dev/shm ones); only the next start of the same data directory removes it. Before that
     * directory is deleted, {@code ipcrm} removes it, or, without the tools, that start happens here,
     * followed by an immediate shutdown.
     */
    void releaseSharedMemoryOfACrash(Duration timeout) {
        if (!crashed) {
            return;
        }
        if (!isRunning() && SystemVSegment.remove(dataDir())) {
            crashed = false;
            return;
        }
        try {
            startAndAwaitReady(timeout);
        } catch (RuntimeException cannotStart) {
            // nothing more can be done for its segments; the data goes anyway
        }
        Signals.send(Signals.IMMEDIATE_SHUTDOWN, List.of(pid()));
        awaitExit(60, TimeUnit.SECONDS);
    }

    /** A fast shutdown: clean, with a checkpoint. */
    void stop() {
        closeSession();
        if (!isRunning()) {
            return;
        }
        Signals.send(Signals.FAST_SHUTDOWN, List.of(pid()));
        if (!awaitExit(60, TimeUnit.SECONDS)) {
            killForcibly();
            awaitExit(10, TimeUnit.SECONDS);
        }
    }

    /**
     * SIGKILL of the postmaster, as a crash would; then waits for its children, which exit when
     * they notice, so that a new start does not find the old shared memory still attached.
     */
    void crash() {
        closeSession();
        if (!isRunning()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        CrashedSharedMemory sharedMemory = CrashedSharedMemory.of(process, children);
        crashed = true;
        process.destroyForcibly();
        awaitExit(10, TimeUnit.SECONDS);
        Waits.until(name + "'s server processes exit after the kill", Duration.ofSeconds(30),
                () -> children.stream().noneMatch(LocalNode::stillRunning),
                () -> "still alive: " + children.stream().filter(LocalNode::stillRunning).map(ProcessHandle::pid).toList());
        sharedMemory.remove();
    }

    /**
     * Not exited yet. A child of the killed postmaster that has exited stays a zombie until init
     * reaps it, a second or two here, which {@link ProcessHandle#isAlive()} counts as alive; it holds
     * no memory any more, so it does not count.
     */
    private static boolean stillRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** Spawns the server and returns once it accepts connections; a server that exits fails at once. */
    void startAndAwaitReady(Duration timeout) {
        spawn();
        crashed = false;
        Waits.until(name + " accepts connections", timeout, () -> {
            if (!isRunning()) {
                throw new ClusterStartException(name + " exited during start-up:\n" + String.join("\n", logTail(30)));
            }
            return isReady();
        }, () -> "its log:\n" + String.join("\n", logTail(30)));
    }

    @Override
    public List<String> logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (NoSuchFileException none) {
            return List.of("(no server log at " + logFile() + ")");
        } catch (IOException e) {
            return List.of("(cannot read " + logFile() + ": " + e.getMessage() + ")");
        }
    }

    void releasePort() {
        closeSession();
        port.close();
    }

    static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public String toString() {
        return name + " (" + HOST + ":" + port() + ", " + home + ")";
    }
}
