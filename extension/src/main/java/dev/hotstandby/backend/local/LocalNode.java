package dev.hotstandby.backend.local;

import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.NodeRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code postgres} server process, spawned directly (no {@code pg_ctl}: its {@code -w} polls
 * in 100 ms steps) with its output appended to {@code server.log} beside the data directory.
 */
final class LocalNode implements NodeRuntime {
    static final String HOST = "127.0.0.1";
    private static final String NODE_CONF = "node.conf";

    enum Role { PRIMARY, STANDBY, FORMER_PRIMARY }

    private final String name;
    private volatile Role role;
    private final Path home;
    private final PostgresBinaries binaries;
    private final PortReservations.Port port;
    private Process process;
    /** Killed and not started since: its shared memory is still registered with the kernel. */
    private volatile boolean crashed;

    LocalNode(String name, Role role, Path home, PostgresBinaries binaries, PortReservations.Port port) {
        this.name = name;
        this.role = role;
        this.home = home;
        this.binaries = binaries;
        this.port = port;
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
    public boolean isPrimary() {
        return role == Role.PRIMARY;
    }

    @Override
    public boolean isStandby() {
        return role == Role.STANDBY;
    }

    void setRole(Role role) {
        this.role = role;
    }

    Path dataDir() {
        return home.resolve("data");
    }

    Path logFile() {
        return home.resolve("server.log");
    }

    /** Writes this node's identity; postgresql.conf includes it after the settings from configs/. */
    void writeNodeConf(Path socketDir, List<String> extraLines) {
        StringBuilder conf = new StringBuilder("# Written by hotstandby for ").append(name)
                .append(" before each start; included at the end of postgresql.conf.\n");
        setting(conf, "port", String.valueOf(port()), "its own loopback port, reserved across JVMs");
        setting(conf, "unix_socket_directories", quote(socketDir.toString()),
                "private (0700) socket directory; standbys stream through it");
        setting(conf, "cluster_name", quote(name), "names the server in ps and in its log");
        setting(conf, "log_line_prefix", quote("%m [%p] " + name + ": "), "every log line names the node");
        extraLines.forEach(line -> conf.append(line).append('\n'));
        write(dataDir().resolve(NODE_CONF), conf.toString());
    }

    void write(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    void spawn() {
        ProcessBuilder builder = new ProcessBuilder(Rootless.wrap(List.of(
                binaries.executable("postgres").toString(), "-D", dataDir().toString())))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        builder.environment().put("LC_ALL", "C");
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binaries.executable("postgres"), e);
        }
    }

    long pid() {
        return process.pid();
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

    /** Waits for the process to exit; returns false if it is still running after the timeout. */
    boolean awaitExit(long timeout, TimeUnit unit) {
        if (process == null) {
            return true;
        }
        try {
            return process.waitFor(timeout, unit);
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
     * A killed postmaster leaves its shared memory segments (System V and /dev/shm) behind; only
     * the next start of the same data directory removes them. Before that directory is deleted,
     * that start happens here, followed by an immediate shutdown.
     */
    void releaseSharedMemoryOfACrash(Duration timeout) {
        if (!crashed) {
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
        if (!isRunning()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        crashed = true;
        process.destroyForcibly();
        awaitExit(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            TemplateCache.sleepBriefly();
        }
    }

    /** Spawns the server and returns once it accepts connections. */
    void startAndAwaitReady(Duration timeout) {
        spawn();
        crashed = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReady()) {
            if (!isRunning()) {
                throw new ClusterStartException(name + " exited during start-up:\n" + String.join("\n", logTail(30)));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ClusterStartException(name + " not ready within " + timeout + ":\n" + String.join("\n", logTail(30)));
            }
            TemplateCache.sleepBriefly();
        }
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
        port.close();
    }

    static String setting(String key, String value, String why) {
        return key + " = " + value + "\t# " + why;
    }

    private static void setting(StringBuilder conf, String key, String value, String why) {
        conf.append(key).append(" = ").append(value).append("\t# ").append(why).append('\n');
    }

    static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public String toString() {
        return name + " (" + HOST + ":" + port() + ", " + home + ")";
    }
}
