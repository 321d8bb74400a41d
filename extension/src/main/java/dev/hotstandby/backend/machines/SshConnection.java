package dev.hotstandby.backend.machines;

import dev.hotstandby.ClusterStartException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.LocalPortForwarder;
import net.schmizz.sshj.connection.channel.direct.Parameters;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * One SSH connection to a machine, through sshj: commands (each its own channel, so several may
 * run at once) and local port forwards, which is how the test JVM's JDBC reaches PostgreSQL
 * listening on the machine's loopback.
 */
final class SshConnection implements AutoCloseable {
    /** What a command printed and how it ended. */
    record Result(int exitStatus, String out, String err) {
        boolean ok() {
            return exitStatus == 0;
        }
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private final Machine machine;
    private final SSHClient client = new SSHClient();
    private final List<ServerSocket> listeners = new CopyOnWriteArrayList<>();

    private SshConnection(Machine machine) {
        this.machine = machine;
    }

    /** Connects, verifies the host key as the machine says, and logs in with its key. */
    static SshConnection open(Machine machine) {
        SshConnection connection = new SshConnection(machine);
        SSHClient client = connection.client;
        try {
            client.addHostKeyVerifier(machine.hostKeys().verifier());
            client.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            // a dead peer (a machine gone mid-test) fails commands instead of hanging them
            client.getConnection().getKeepAlive().setKeepAliveInterval(5);
            client.connect(machine.sshHost(), machine.sshPort());
            client.authPublickey(machine.user(), client.loadKeys(machine.key().toString()));
            return connection;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw new ClusterStartException("cannot log in to " + machine + " over SSH (" + machine.hostKeys()
                    + ", key " + machine.key() + "): " + e.getMessage(), e);
        }
    }

    Machine machine() {
        return machine;
    }

    /** Runs a shell command line; never throws for a non-zero exit status. */
    Result run(String command, byte[] stdin, Duration timeout) {
        try (Session session = client.startSession()) {
            Session.Command running = session.exec(command);
            // stderr drains beside stdout: a full window on either would otherwise stall the command
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = daemon("hotstandby-ssh-stderr", () -> copyQuietly(running.getErrorStream(), err));
            try (OutputStream in = running.getOutputStream()) {
                if (stdin.length > 0) {
                    in.write(stdin);
                }
            } catch (IOException endedFirst) {
                // the command finished without reading (all of) its input: its exit status tells
            }
            byte[] out = running.getInputStream().readAllBytes();
            running.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
            errReader.join(TimeUnit.SECONDS.toMillis(5));
            Integer status = running.getExitStatus();
            if (status == null) {
                throw new IllegalStateException(machine.name() + ": `" + command + "` did not finish within " + timeout);
            }
            return new Result(status, new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(machine.name() + ": `" + command + "` failed over SSH: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running `" + command + "` on " + machine.name(), e);
        }
    }

    /** Runs a command that must succeed; returns its standard output. */
    String check(String command) {
        return check(command, new byte[0], Duration.ofMinutes(5));
    }

    String check(String command, byte[] stdin, Duration timeout) {
        Result result = run(command, stdin, timeout);
        if (!result.ok()) {
            throw new IllegalStateException(machine.name() + ": `" + command + "` exited with " + result.exitStatus()
                    + (result.err().isBlank() ? "" : ": " + result.err().strip())
                    + (result.out().isBlank() ? "" : "\n" + result.out().strip()));
        }
        return result.out();
    }

    /**
     * Forwards a new port on the test JVM's loopback to {@code remotePort} on the machine's
     * loopback; returns the local port. The forward lives as long as this connection. Each accepted
     * client gets its own channel; one the machine refuses (the server is down, as after kill())
     * closes that client only, and the next may succeed once the server is back. (sshj's own
     * listen loop would end on the first refusal and leave later clients hanging in the backlog.)
     */
    int forward(int remotePort) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listeners.add(socket);
            Parameters target = new Parameters("127.0.0.1", socket.getLocalPort(), "127.0.0.1", remotePort);
            daemon("hotstandby-forward-" + machine.name() + "-" + remotePort, () -> serve(socket, target));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot forward a local port to " + machine.name() + ":" + remotePort, e);
        }
    }

    private void serve(ServerSocket listener, Parameters target) {
        while (!listener.isClosed()) {
            Socket accepted;
            try {
                accepted = listener.accept();
            } catch (IOException closed) {
                return;
            }
            try {
                Tunnel tunnel = new Tunnel(client, accepted, target);
                tunnel.open();
                tunnel.copyBothWays();
            } catch (IOException refused) {
                closeQuietly(accepted);
            }
        }
    }

    @Override
    public void close() {
        listeners.forEach(SshConnection::closeQuietly);
        try {
            client.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** sshj's forwarded channel, whose copying threads only its own listen loop may start. */
    private static final class Tunnel extends LocalPortForwarder.ForwardedChannel {
        Tunnel(SSHClient client, Socket socket, Parameters target) {
            super(client.getConnection(), socket, target);
        }

        void copyBothWays() throws IOException {
            start();
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void copyQuietly(InputStream from, ByteArrayOutputStream to) {
        try {
            from.transferTo(to);
        } catch (IOException ignored) {
            // the channel closed: what arrived is kept
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
