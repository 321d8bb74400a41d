package dev.hotstandby.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
            ProcessHandle self = ProcessHandle.current();
            long started = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            Path dir = Workspace.privateDir(workspace.clusters().resolve(self.pid() + "-" + started));
            startWatchdog(dir);
            ownDirectory = dir;
        }
        return ownDirectory;
    }

    private static void startWatchdog(Path dir) {
        try (InputStream script = Ownership.class.getResourceAsStream("watchdog.sh")) {
            String text = new String(script.readAllBytes(), StandardCharsets.UTF_8);
            watchdog = new ProcessBuilder("sh", "-c", text, "hotstandby-watchdog", dir.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the watchdog that stops PostgreSQL if this JVM dies", e);
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
        String[] parts = ownerDir.getFileName().toString().split("-");
        if (parts.length != 2) {
            return false;
        }
        long pid;
        long started;
        try {
            pid = Long.parseLong(parts[0]);
            started = Long.parseLong(parts[1]);
        } catch (NumberFormatException notOurs) {
            return false;
        }
        Optional<Instant> running = ProcessHandle.of(pid).flatMap(handle -> handle.info().startInstant());
        return running.isEmpty() || Math.abs(running.get().toEpochMilli() - started) > 2_000;
    }

    private static void reap(Path ownerDir) {
        try (Stream<Path> pidFiles = Files.find(ownerDir, 3, (path, attributes) ->
                path.getFileName().toString().equals("postmaster.pid"))) {
            for (Path pidFile : (Iterable<Path>) pidFiles::iterator) {
                postmasterOf(pidFile).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException | UncheckedIOException vanished) {
            // another JVM is reaping it too
        }
        Trees.delete(ownerDir);
    }

    private static Optional<ProcessHandle> postmasterOf(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            String dataDir = lines.get(1).trim();
            return ProcessHandle.of(pid).filter(handle -> handle.info().commandLine()
                    .map(command -> command.contains(dataDir)).orElse(false));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }
}
