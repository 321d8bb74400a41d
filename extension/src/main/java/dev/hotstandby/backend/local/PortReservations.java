package dev.hotstandby.backend.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Hands out loopback ports that no other cluster of any JVM of this user will get while reserved:
 * the kernel picks a free port, and a lock file per port, held until release, keeps concurrent
 * Maven forks from picking it too. (A foreign process could still take it; the backend then
 * retries with new ports.)
 */
final class PortReservations {
    private final Path directory;

    PortReservations(Path directory) {
        this.directory = directory;
    }

    /** A reserved port, released on close. */
    static final class Port implements AutoCloseable {
        private final int number;
        private final FileChannel channel;

        private Port(int number, FileChannel channel) {
            this.number = number;
            this.channel = channel;
        }

        int number() {
            return number;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the channel either way
            }
        }
    }

    Port reserve() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = freePort();
            Port reserved = tryReserve(candidate);
            if (reserved != null) {
                return reserved;
            }
        }
        throw new IllegalStateException("no free loopback port could be reserved in " + directory);
    }

    private Port tryReserve(int port) {
        try {
            FileChannel channel = FileChannel.open(directory.resolve(port + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return null;
            }
            return new Port(port, channel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
