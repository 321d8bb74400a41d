package dev.hotstandby.backend.machines;

import static dev.hotstandby.config.ReplicationSettings.line;
import static dev.hotstandby.config.ReplicationSettings.quote;

import dev.hotstandby.engine.BackendNode;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * One PostgreSQL server on a machine, run as the machine's {@code postgres} user in a directory of
 * this cluster's own ({@link #runDir()}: data, log, sockets, archive, WAL shipping keys), never in
 * the distribution's cluster directories. The test JVM reaches it through an SSH port forward.
 */
final class MachineNode implements BackendNode {
    private final String name;
    private final SshConnection ssh;
    private final PostgresInstallation installation;
    private final String runDir;
    private final int serverPort;
    /** On the test JVM's loopback, forwarded to the server's port on the machine's loopback. */
    private final int localPort;
    private final NodeSession session;

    MachineNode(String name, SshConnection ssh, PostgresInstallation installation, String runDir, int serverPort,
                String password) {
        this.name = name;
        this.ssh = ssh;
        this.installation = installation;
        this.runDir = runDir;
        this.serverPort = serverPort;
        // a forward connects per client: it can exist long before the server listens
        this.localPort = ssh.forward(serverPort);
        this.session = new NodeSession(host(), localPort, password);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return localPort;
    }

    /** The machine's private address: where the other nodes reach this server. */
    @Override
    public String replicationHost() {
        return ssh.machine().address();
    }

    @Override
    public int replicationPort() {
        return serverPort;
    }

    @Override
    public List<String> identitySettings() {
        return List.of(
                line("port", String.valueOf(serverPort), "a port free on this host, beside any cluster of its own"),
                line("listen_addresses", quote("127.0.0.1," + replicationHost()), "loopback for the tests' SSH tunnel, the"
                        + " private address for the other nodes; pg_hba.conf admits only them, with the password"),
                line("unix_socket_directories", quote(runDir), "this cluster's own directory, not the distribution's"),
                line("cluster_name", quote(name), "names the server in ps and in its log"),
                line("log_line_prefix", quote("%m [%p] " + name + ": "), "every log line names the node"),
                line("wal_sender_timeout", quote("5s"), "disconnect() drops packets with iptables: a WAL sender"
                        + " notices a cut-off standby after this long (60 s by default)"),
                line("wal_receiver_timeout", quote("5s"), "... and a WAL receiver notices the cut after this long"));
    }

    @Override
    public String archiveDirectory() {
        return runDir + "/archive";
    }

    /** Ships every segment to the other nodes' archives too: see {@link WalShipping}. */
    @Override
    public String archiveCommand() {
        return WalShipping.archiveCommand(this);
    }

    @Override
    public String query(String sql) throws SQLException {
        return session.query(sql);
    }

    @Override
    public void writeDataFile(String file, String content) {
        write("data/" + file, content);
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

    String runDir() {
        return runDir;
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

    /** pg_ctl waits until the server accepts connections. */
    @Override
    public void startServer(Duration timeout) {
        session.close();
        SshConnection.Result started = tryAsPostgres(pgCtl("-l server.log -w -t " + Math.max(1, timeout.toSeconds()) + " start"));
        if (!started.ok()) {
            throw new IllegalStateException(name + " did not start: " + started.err().strip() + "\n"
                    + String.join("\n", logTail(30)));
        }
    }

    /** Clients are disconnected, a checkpoint is written. */
    @Override
    public void stopServer() {
        session.close();
        if (isServerRunning()) {
            asPostgres(pgCtl("-m fast -w -t 120 stop"));
        }
    }

    /** For teardown: test data needs no checkpoint. */
    void stopImmediately() {
        session.close();
        if (isServerRunning()) {
            asPostgres(pgCtl("-m immediate -w stop"));
        }
    }

    /**
     * Returns once the postmaster's children have noticed and exited too, so a start afterwards
     * finds no backend still attached to the old shared memory.
     */
    @Override
    public void killServer() {
        session.close();
        asPostgres("pid=$(head -n 1 data/postmaster.pid 2>/dev/null) || exit 0; children=$(pgrep -P \"$pid\");"
                + " kill -KILL \"$pid\" 2>/dev/null;"
                + " for i in $(seq 1 200); do alive=; for c in $children; do kill -0 \"$c\" 2>/dev/null && alive=1; done;"
                + " [ -z \"$alive\" ] && exit 0; sleep 0.05; done; echo 'children of the killed postmaster still run' >&2; exit 1");
    }

    /** Without waiting (-W): the engine polls pg_is_in_recovery() itself. */
    @Override
    public void triggerPromotion() {
        asPostgres(pgCtl("-W promote"));
    }

    @Override
    public boolean isServerRunning() {
        return tryAsPostgres(pgCtl("status") + " >/dev/null").ok();
    }

    @Override
    public List<String> logTail(int lines) {
        SshConnection.Result tail = tryAsPostgres("tail -n " + lines + " server.log");
        return tail.ok() ? List.of(tail.out().split("\n")) : List.of("(no log: " + tail.err().strip() + ")");
    }

    /** Ends the engine's connection; the SSH connection is the cluster's to close. */
    @Override
    public void closeSession() {
        session.close();
    }

    @Override
    public String toString() {
        return name + " on " + machine();
    }
}
