package dev.hotstandby.backend.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out loopback ports that no other cluster of any JVM of this user will get while reserved:
 * the kernel picks a free port, and a lock file per port, held until release, keeps concurrent
 * Maven forks from picking it too. (A foreign process could still take it; the backend then
 * retries with new ports.)
 *
 * <p>Lock files that no live JVM holds are deleted at the first reservation, else every run
 * leaves its ports' files behind. A reserver may thus lock a file just deleted; it writes a token
 * of its own into the file it locked and keeps the port only if the file at the path holds it.
 */
final class PortReservations {
    private static final String SUFFIX = ".lock";
    private static final AtomicLong TOKENS = new AtomicLong();
    /** Lock files this JVM holds: the sweep never opens them (closing any channel may drop a POSIX lock). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final AtomicBoolean swept = new AtomicBoolean();

    PortReservations(Path directory) {
        this.directory = directory;
    }

    /** A reserved port, released on close. */
    static final class Port implements AutoCloseable {
        private final int number;
        private final FileChannel channel;
        private final Path lockFile;

        private Port(int number, FileChannel channel, Path lockFile) {
            this.number = number;
            this.channel = channel;
            this.lockFile = lockFile;
            HELD.add(lockFile);
        }

        int number() {
            return number;
        }

        @Override
        public void close() {
            HELD.remove(lockFile);
            try {
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the channel either way
            }
        }
    }

    Port reserve() {
        if (swept.compareAndSet(false, true)) {
            removeStaleLocks();
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = freePort();
            Port reserved = tryReserve(candidate);
            if (reserved != null) {
                return reserved;
            }
        }
        throw new IllegalStateException("no free loopback port could be reserved in " + directory);
    }

    /** That port, as a cluster kept for reuse has it; null when another JVM of this user holds it. */
    Port reserve(int port) {
        return tryReserve(port);
    }

    private Port tryReserve(int port) {
        Path lockFile = directory.resolve(port + SUFFIX).toAbsolutePath();
        if (HELD.contains(lockFile)) {
            return null;
        }
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null || !stillAtItsPath(channel, lockFile)) {
                channel.close();
                return null;
            }
            return new Port(port, channel, lockFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the locked file is the one at {@code path}, not one a sweep deleted meanwhile. */
    private static boolean stillAtItsPath(FileChannel locked, Path path) throws IOException {
        String token = ProcessHandle.current().pid() + "-" + TOKENS.incrementAndGet() + "\n";
        locked.truncate(0);
        locked.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.US_ASCII)), 0);
        try {
            return Files.readString(path, StandardCharsets.US_ASCII).equals(token);
        } catch (NoSuchFileException deleted) {
            return false;
        }
    }

    /** Deletes the lock files that nobody holds; a held one is left alone. */
    void removeStaleLocks() {
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path lockFile : locks) {
                removeIfStale(lockFile);
            }
        } catch (IOException | DirectoryIteratorException e) {
            // leftovers only cost disk space; reserving works without the sweep
        }
    }

    private static void removeIfStale(Path lockFile) {
        if (HELD.contains(lockFile.toAbsolutePath())) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                return;
            }
            if (lock != null) {
                // deleted while locked, so no reserver can think it holds this file afterwards
                Files.deleteIfExists(lockFile);
            }
        } catch (IOException goneOrUnreadable) {
            // another sweep took it, or it is not ours to remove
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }
}
