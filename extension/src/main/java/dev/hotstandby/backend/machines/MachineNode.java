package dev.hotstandby.backend.machines;

import dev.hotstandby.engine.NodeRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One PostgreSQL server on a machine, run as the machine's {@code postgres} user in a directory of
 * this cluster's own ({@link #runDir()}: data, log, sockets, archive, WAL shipping keys), never in
 * the distribution's cluster directories. The test JVM reaches it through an SSH port forward.
 */
final class MachineNode implements NodeRuntime {
    enum Role { PRIMARY, STANDBY, FORMER_PRIMARY }

    private final String name;
    private final SshConnection ssh;
    private final PostgresInstallation installation;
    private final String runDir;
    private final int serverPort;
    private volatile Role role;
    private volatile int localPort;

    MachineNode(String name, SshConnection ssh, PostgresInstallation installation, String runDir, int serverPort,
                Role role) {
        this.name = name;
        this.ssh = ssh;
        this.installation = installation;
        this.runDir = runDir;
        this.serverPort = serverPort;
        this.role = role;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    /** The forwarded port on the test JVM's loopback. */
    @Override
    public int port() {
        return localPort;
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

    Machine machine() {
        return ssh.machine();
    }

    SshConnection ssh() {
        return ssh;
    }

    PostgresInstallation installation() {
        return installation;
    }

    /** Where the other nodes reach this server. */
    String address() {
        return ssh.machine().address();
    }

    int serverPort() {
        return serverPort;
    }

    String runDir() {
        return runDir;
    }

    String dataDir() {
        return runDir + "/data";
    }

    String archiveDir() {
        return runDir + "/archive";
    }

    void forwardPort() {
        localPort = ssh.forward(serverPort);
    }

    /**
     * Runs a shell command line as {@code postgres} in the run directory, with the cluster's password
     * file: libpq in pg_basebackup, pg_rewind and the WAL receiver reads the passwords from it.
     */
    String asPostgres(String command) {
        return ssh.check(asPostgresCommand(command));
    }

    SshConnection.Result tryAsPostgres(String command) {
        return ssh.run(asPostgresCommand(command), new byte[0], Duration.ofMinutes(5));
    }

    private String asPostgresCommand(String command) {
        return "sudo -n -u postgres sh -c " + Sh.quote("cd " + Sh.quote(runDir) + " && PGPASSFILE=" + Sh.quote(runDir + "/pgpass")
                + " && export PGPASSFILE && " + command);
    }

    /** Replaces a file (relative to the run directory), owned by postgres, mode 600, atomically. */
    void write(String relativePath, String content) {
        ssh.check(asPostgresCommand("umask 077 && cat > " + Sh.quote(relativePath + ".new") + " && mv "
                + Sh.quote(relativePath + ".new") + " " + Sh.quote(relativePath)),
                content.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(1));
    }

    String read(String relativePath) {
        return asPostgres("cat " + Sh.quote(relativePath));
    }

    String pgCtl(String arguments) {
        return Sh.quote(installation.binary("pg_ctl")) + " -D data " + arguments;
    }

    /** Starts the server and returns once it accepts connections (pg_ctl waits for that). */
    void start(Duration timeout) {
        SshConnection.Result started = tryAsPostgres(pgCtl("-l server.log -w -t " + Math.max(1, timeout.toSeconds()) + " start"));
        if (!started.ok()) {
            throw new IllegalStateException(name + " did not start: " + started.err().strip() + "\n"
                    + String.join("\n", logTail(30)));
        }
    }

    /** A fast shutdown: clients are disconnected, a checkpoint is written. */
    void stop() {
        if (isServerRunning()) {
            asPostgres(pgCtl("-m fast -w -t 120 stop"));
        }
    }

    /**
     * SIGKILL to the postmaster, as {@code kill -9}; returns once its children have noticed and
     * exited too, so a start afterwards finds no backend still attached to the old shared memory.
     */
    void crash() {
        asPostgres("pid=$(head -n 1 data/postmaster.pid 2>/dev/null) || exit 0; children=$(pgrep -P \"$pid\");"
                + " kill -KILL \"$pid\" 2>/dev/null;"
                + " for i in $(seq 1 200); do alive=; for c in $children; do kill -0 \"$c\" 2>/dev/null && alive=1; done;"
                + " [ -z \"$alive\" ] && exit 0; sleep 0.05; done; echo 'children of the killed postmaster still run' >&2; exit 1");
    }

    boolean isServerRunning() {
        return tryAsPostgres(pgCtl("status") + " >/dev/null").ok();
    }

    @Override
    public List<String> logTail(int lines) {
        SshConnection.Result tail = tryAsPostgres("tail -n " + lines + " server.log");
        return tail.ok() ? List.of(tail.out().split("\n")) : List.of("(no log: " + tail.err().strip() + ")");
    }

    @Override
    public String toString() {
        return name + " on " + machine();
    }
}
