package dev.hotstandby.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The first cluster of a JVM pays for code run for the first time: Awaitility's first wait, SLF4J's
 * binding lookup and, most of all, pgjdbc's first connection (about a thousand classes, the JCE
 * providers, SCRAM). Where turned on ({@link #PROPERTY}), while that cluster's servers start, a
 * daemon thread runs each once: the
 * libraries first, then a connection to the primary (as soon as it has its password) that runs one
 * query and closes. The engine waits for it before {@code start()} returns, so no connection of
 * it outlives the start; the test's first connection then finds everything loaded. Once per JVM:
 * later clusters find it all loaded. Nothing here is needed for correctness: any failure is ignored.
 */
public final class WarmUp {
    /** Marks the warm-up's session in pg_stat_activity and in the server log. */
    static final String APPLICATION_NAME = "hotstandby-warm-up";
    /**
     * Off by default: {@code -Dhotstandby.warmUp=true} turns it on. Measured on 2 cores saturated
     * by other builds, the thread slowed the start more than it saved (median 3.5 s against 3.0 s,
     * 7 fresh JVMs each); it can only pay where a core is idle while the servers start.
     */
    public static final String PROPERTY = "hotstandby.warmUp";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final AtomicBoolean BEGUN = new AtomicBoolean();
    private static final CompletableFuture<Login> PRIMARY = new CompletableFuture<>();
    private static final CompletableFuture<Void> FINISHED = new CompletableFuture<>();

    private record Login(String host, int port, String user, String password) {
    }

    private WarmUp() {
    }

    /** Starts the warm-up, once per JVM, before the first cluster does anything else. */
    public static void begin() {
        if (Boolean.parseBoolean(System.getProperty(PROPERTY, "false")) && BEGUN.compareAndSet(false, true)) {
            Thread thread = new Thread(WarmUp::run, "hotstandby-warm-up");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** A primary that accepts this login: the warm-up connects to the first one named. */
    static void primaryReady(String host, int port, String user, String password) {
        PRIMARY.complete(new Login(host, port, user, password));
    }

    /**
     * Returns once the warm-up is over, its connection closed, or after a bound: a warm-up that
     * fails or hangs costs no more than its absence. Without a primary named by now, it connects
     * nowhere.
     */
    static void awaitFinished() {
        if (!BEGUN.get()) {
            return;
        }
        PRIMARY.cancel(false);
        try {
            FINISHED.get(CONNECT_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | CancellationException ignored) {
            // see above
        }
    }

    private static void run() {
        try {
            Awaitility.await().pollInSameThread().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(1)).until(() -> true);
            NodeLog.of(APPLICATION_NAME);
            DriverManager.getDrivers();
            refusedConnection();
            connect(PRIMARY.get());
        } catch (Exception | LinkageError skipped) {
            // the test's first connection does the work instead
        } finally {
            FINISHED.complete(null);
        }
    }

    /**
     * Before any server is up, pgjdbc's way to a server up to the socket (URL and properties, host
     * choice, the stream) runs against a loopback port nobody listens on: refused at once.
     */
    private static void refusedConnection() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (Connection unexpected = dataSource(new Login(InetAddress.getLoopbackAddress().getHostAddress(), closedPort,
                "nobody", "none")).getConnection()) {
            // someone took the port meanwhile and let us in: nothing to do there
        } catch (SQLException refused) {
            // as expected
        }
    }

    private static PGSimpleDataSource dataSource(Login login) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {login.host()});
        dataSource.setPortNumbers(new int[] {login.port()});
        dataSource.setDatabaseName("postgres");
        dataSource.setUser(login.user());
        dataSource.setPassword(login.password());
        dataSource.setApplicationName(APPLICATION_NAME);
        dataSource.setConnectTimeout((int) CONNECT_TIMEOUT.toSeconds());
        dataSource.setLoginTimeout((int) CONNECT_TIMEOUT.toSeconds());
        return dataSource;
    }

    private static void connect(Login login) throws SQLException {
        try (Connection connection = dataSource(login).getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT 1")) {
            rows.next();
        }
    }
}
