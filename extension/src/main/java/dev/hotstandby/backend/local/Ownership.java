package dev.hotstandby.backend.local;

import dev.hotstandby.engine.JvmOwner;
import dev.hotstandby.internal.Passwords;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.internal.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Makes sure no PostgreSQL server outlives the JVM that started it for long, two ways:
 * <ul>
 *   <li>a watchdog: a {@code sh} process per JVM reading a pipe from it; when the JVM dies, even by
 *       {@code kill -9}, the pipe closes and the watchdog stops that JVM's servers within a second
 *       and removes their data;</li>
 *   <li>a reaper: every cluster start also removes what JVMs that are gone left behind, in case a
 *       watchdog was killed with its JVM.</li>
 * </ul>
 * Each JVM keeps its clusters under {@code clusters/<pid>-<start millis>/}, so ownership is
 * visible on disk.
 */
final class Ownership {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int POSTMASTER_PID_DEPTH = 4;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static volatile Path ownDirectory;
    /** Held for the JVM's lifetime: closing it (by exit or crash) is what wakes the watchdog. */
    private static Process watchdog;

    private Ownership() {
    }

    /** A fresh directory for one cluster, owned by this JVM. */
    static Path newClusterDirectory(Workspace workspace) {
        Path owner = ownDirectory(workspace);
        return Workspace.privateDir(owner.resolve(SEQUENCE.incrementAndGet() + "-" + Passwords.generate().substring(0, 4)));
    }

    /** This JVM's directory: whatever is in it goes when the JVM goes. */
    static synchronized Path ownDirectory(Workspace workspace) {
        if (ownDirectory == null) {
            Path dir = Workspace.privateDir(workspace.clusters().resolve(JvmOwner.current()));
            startWatchdog(dir);
            ownDirectory = dir;
        }
        return ownDirectory;
    }

    private static void startWatchdog(Path dir) {
        try {
            String text = resource("stop-servers.sh") + resource("watchdog.sh");
            watchdog = new ProcessBuilder("sh", "-c", text, "hotstandby-watchdog", dir.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the watchdog that stops PostgreSQL if this JVM dies", e);
        }
    }

    /**
     * The teardown of a cluster kept for reuse, run with its entry's directory as $1 (by its
     * watchdog, with no JVM running, or by a JVM that discards it): its servers stopped at once.
     */
    static String teardownScript(String clusterInEntry) {
        return resource("stop-servers.sh") + "stop_servers \"$1\"/" + clusterInEntry + "/*/data/postmaster.pid\n";
    }

    private static String resource(String name) {
        try (InputStream script = Ownership.class.getResourceAsStream(name)) {
            return new String(script.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " beside " + Ownership.class.getName(), e);
        }
    }

    /** Stops the servers and removes the clusters of JVMs that no longer run. */
    static void reapAbandoned(Workspace workspace) {
        try (Stream<Path> owners = Files.list(workspace.clusters())) {
            owners.filter(Ownership::ownerIsGone).forEach(Ownership::reap);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean ownerIsGone(Path ownerDir) {
        return JvmOwner.isGone(ownerDir.getFileName().toString());
    }

    private static void reap(Path ownerDir) {
        // <owner>/<cluster>/<node>/data/postmaster.pid: four levels down, as in watchdog.sh
        List<Postmaster> postmasters = new ArrayList<>();
        try (Stream<Path> pidFiles = Files.find(ownerDir, POSTMASTER_PID_DEPTH, (path, attributes) ->
                path.getFileName().toString().equals("postmaster.pid"))) {
            for (Path pidFile : (Iterable<Path>) pidFiles::iterator) {
                postmasterOf(pidFile).ifPresent(postmasters::add);
            }
        } catch (IOException | UncheckedIOException vanished) {
            // another JVM is reaping it too
        }
        stop(postmasters);
        deleteQuietly(ownerDir);
    }

    /**
     * An immediate shutdown (SIGQUIT) ends a server and all its children; SIGKILL would end only
     * the postmaster, leaving children that write into the directory while it is being deleted.
     */
    private static void stop(List<Postmaster> postmasters) {
        if (postmasters.isEmpty()) {
            return;
        }
        Signals.send(Signals.IMMEDIATE_SHUTDOWN, postmasters.stream().map(postmaster -> postmaster.handle().pid()).toList());
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (postmasters.stream().anyMatch(Postmaster::isRunning) && System.nanoTime() - deadline < 0) {
            pause(20);
        }
        postmasters.stream().filter(Postmaster::isRunning).forEach(postmaster -> postmaster.handle().destroyForcibly());
    }

    /** A server's child may still write for a moment after a SIGKILL; reaping must not fail a start. */
    private static void deleteQuietly(Path ownerDir) {
        for (int attempt = 1; ; attempt++) {
            try {
                Trees.delete(ownerDir);
                return;
            } catch (UncheckedIOException busy) {
                if (attempt == 3) {
                    return;
                }
                pause(200);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException("interrupted while stopping the servers of a JVM that is gone");
        }
    }

    private static Optional<Postmaster> postmasterOf(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            Postmaster postmaster = new Postmaster(ProcessHandle.of(pid).orElse(null), lines.get(1).trim());
            return postmaster.isRunning() ? Optional.of(postmaster) : Optional.empty();
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** The server of {@code dataDir}, as long as {@code handle} still is it (pids get reused). */
    private record Postmaster(ProcessHandle handle, String dataDir) {
        /**
         * A server that exited stays a zombie until init reaps it, which {@link ProcessHandle#isAlive()}
         * counts as alive; a zombie has no command line, so it no longer matches.
         */
        boolean isRunning() {
            return handle != null && handle.isAlive() && handle.info().commandLine()
                    .map(command -> command.contains(dataDir)).orElse(false);
        }
    }
}
