package dev.hotstandby.backend.machines;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A private /24 for one cluster's Vagrant machines, held by a file lock for the cluster's life:
 * clusters started side by side (parallel test classes, other JVMs) each get their own, so no two
 * machines share an address. From 192.168.56.0/24 to 192.168.63.0/24, the range VirtualBox allows
 * host-only networks in without configuration.
 *
 * <p>Machines kept as evidence of a failed class still use their subnet: a {@link #keep() kept}
 * lease stays held for the rest of the JVM, and a subnet whose docker network (the docker
 * provider's {@code vagrant_network_<subnet>.0/24}) still has containers is skipped, whichever
 * JVM kept them.
 */
final class SubnetLease implements AutoCloseable {
    private static final Path LOCKS = Path.of(System.getProperty("java.io.tmpdir"), "hotstandby-vagrant-subnets");
    /**
     * Lock files held in this JVM. Checked before a lock file is even opened: closing any channel of
     * a file releases every lock the JVM holds on it (POSIX locks are per process), so probing a
     * subnet this JVM holds would hand it to the next cluster.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private final String network;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;
    private volatile boolean kept;

    private SubnetLease(String network, Path lockFile, FileChannel channel, FileLock lock) {
        this.network = network;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** The first three octets, e.g. {@code 192.168.57}. */
    String network() {
        return network;
    }

    static SubnetLease acquire() {
        return acquire(LOCKS, SubnetLease::dockerNetworkHasContainers);
    }

    /** @param occupied whether machines this lease knows nothing of still use a subnet ({@code 192.168.56}) */
    static SubnetLease acquire(Path locks, Predicate<String> occupied) {
        try {
            Files.createDirectories(locks);
            for (int third = 56; third <= 63; third++) {
                String network = "192.168." + third;
                Path lockFile = locks.resolve(network + ".lock").toAbsolutePath();
                if (!HELD.add(lockFile)) {
                    continue;
                }
                FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null && !occupied.test(network)) {
                    return new SubnetLease(network, lockFile, channel, lock);
                }
                // another JVM has it, or kept machines still sit on it
                channel.close();
                HELD.remove(lockFile);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot lease a private network under " + locks + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("all eight private networks 192.168.56-63.0/24 are in use by other clusters"
                + " or by machines kept after a failure (`docker network inspect vagrant_network_192.168.<n>.0/24`);"
                + " run fewer Vagrant clusters at once, or destroy the kept machines");
    }

    /** The machines stay (evidence of a failure): {@link #close()} then leaves the subnet held. */
    void keep() {
        kept = true;
    }

    @Override
    public void close() {
        if (kept) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel or the JVM
        } finally {
            HELD.remove(lockFile);
        }
    }

    /** Whether the docker provider's network for this subnet still has containers; false without docker. */
    private static boolean dockerNetworkHasContainers(String network) {
        try {
            Process process = new ProcessBuilder("sh", "-c", "command -v docker >/dev/null || exit 0; docker network"
                    + " inspect --format '{{len .Containers}}' " + Sh.quote("vagrant_network_" + network + ".0/24")
                    + " 2>/dev/null").redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return output.matches("[1-9]\\d*");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
