package dev.hotstandby.backend.machines;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A private /24 for one cluster's Vagrant machines, held by a file lock for the cluster's life:
 * clusters started side by side (parallel test classes, other JVMs) each get their own, so no two
 * machines share an address. From 192.168.56.0/24 to 192.168.63.0/24, the range VirtualBox allows
 * host-only networks in without configuration.
 */
final class SubnetLease implements AutoCloseable {
    private static final Path LOCKS = Path.of(System.getProperty("java.io.tmpdir"), "hotstandby-vagrant-subnets");
    /**
     * Held in this JVM. Checked before a lock file is even opened: closing any channel of a file
     * releases every lock the JVM holds on it (POSIX locks are per process), so probing a subnet this
     * JVM holds would hand it to the next cluster.
     */
    private static final Set<String> HELD = ConcurrentHashMap.newKeySet();
    private final String network;
    private final FileChannel channel;
    private final FileLock lock;

    private SubnetLease(String network, FileChannel channel, FileLock lock) {
        this.network = network;
        this.channel = channel;
        this.lock = lock;
    }

    /** The first three octets, e.g. {@code 192.168.57}. */
    String network() {
        return network;
    }

    static SubnetLease acquire() {
        try {
            Files.createDirectories(LOCKS);
            for (int third = 56; third <= 63; third++) {
                String network = "192.168." + third;
                if (!HELD.add(network)) {
                    continue;
                }
                FileChannel channel = FileChannel.open(LOCKS.resolve(network + ".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new SubnetLease(network, channel, lock);
                }
                // another JVM has it
                channel.close();
                HELD.remove(network);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot lease a private network under " + LOCKS + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("all eight private networks 192.168.56-63.0/24 are in use by other clusters;"
                + " run fewer Vagrant clusters at once");
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel or the JVM
        } finally {
            HELD.remove(network);
        }
    }
}
