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
 * JVM kept them; so is one that another Docker network overlaps.
 *
 * <p>Machines kept for the next run ({@code hotstandby.reuse}) keep their subnet after the JVM: a
 * marker file {@code <subnet>}{@value #KEPT_SUFFIX} names their work directory, and the subnet is
 * skipped while that directory exists; their teardown removes the marker. A start that finds every
 * subnet taken removes a kept cluster that nobody holds and takes its subnet.
 */
final class SubnetLease implements AutoCloseable {
    private static final Path LOCKS = Path.of(System.getProperty("java.io.tmpdir"), "hotstandby-vagrant-subnets");
    static final String KEPT_SUFFIX = ".kept";
    /**
     * Lock files held in this JVM. Checked before a lock file is even opened: closing any channel of
     * a file releases every lock the JVM holds on it (POSIX locks are per process), so probing a
     * subnet this JVM holds would hand it to the next cluster.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private final String network;
    private final Path lockFile;
    /** Null for the subnet of machines an earlier run kept: their marker holds it, not a lock. */
    private FileChannel channel;
    private FileLock lock;
    private volatile boolean kept;
    /** Set while machines kept for the next run hold the subnet. */
    private volatile Path keptMarker;

    private SubnetLease(String network, Path lockFile, FileChannel channel, FileLock lock) {
        this.network = network;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** The subnet of machines an earlier run kept ({@link #keepFor}); its marker still holds it. */
    static SubnetLease ofKept(String network) {
        SubnetLease lease = new SubnetLease(network, LOCKS.resolve(network + ".lock").toAbsolutePath(), null, null);
        lease.keptMarker = LOCKS.resolve(network + KEPT_SUFFIX).toAbsolutePath();
        return lease;
    }

    /** The first three octets, e.g. {@code 192.168.57}. */
    String network() {
        return network;
    }

    /**
     * Waits up to {@link #PATIENCE} while all are in use: the clusters of parallel classes and forks
     * end and hand theirs back.
     */
    static SubnetLease acquire() {
        java.util.concurrent.atomic.AtomicReference<SubnetLease> lease = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            org.awaitility.Awaitility.await().atMost(PATIENCE).pollDelay(java.time.Duration.ZERO)
                    .pollInterval(java.time.Duration.ofSeconds(1))
                    .until(() -> {
                        lease.set(tryAcquire(LOCKS, SubnetLease::dockerUses));
                        if (lease.get() == null && KeptVagrantRuns.removeOneIdle(LOCKS)) {
                            lease.set(tryAcquire(LOCKS, SubnetLease::dockerUses));
                        }
                        return lease.get() != null;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException allInUse) {
            throw exhausted(" for " + PATIENCE.toSeconds() + " s");
        }
        return lease.get();
    }

    private static final java.time.Duration PATIENCE = java.time.Duration.ofMinutes(2);

    /** @param occupied whether machines this lease knows nothing of still use a subnet ({@code 192.168.56}) */
    static SubnetLease acquire(Path locks, Predicate<String> occupied) {
        SubnetLease lease = tryAcquire(locks, occupied);
        if (lease == null) {
            throw exhausted("");
        }
        return lease;
    }

    private static IllegalStateException exhausted(String since) {
        return new IllegalStateException("all eight private networks 192.168.56-63.0/24 are in use" + since + " by other clusters, by other Docker networks"
                + " or by machines kept after a failure (`docker network inspect vagrant_network_192.168.<n>.0/24`);"
                + " run fewer Vagrant clusters at once, or destroy the kept machines");
    }

    /** The first free subnet, leased; null when none is. */
    private static SubnetLease tryAcquire(Path locks, Predicate<String> occupied) {
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
                if (lock != null && !keptByMachines(locks, network) && !occupied.test(network)) {
                    return new SubnetLease(network, lockFile, channel, lock);
                }
                // another JVM has it, or kept machines still sit on it
                channel.close();
                HELD.remove(lockFile);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot lease a private network under " + locks + ": " + e.getMessage(), e);
        }
        return null;
    }

    /** Whether machines kept for the next run still hold the subnet: its marker names a work directory that exists. */
    private static boolean keptByMachines(Path locks, String network) throws IOException {
        Path marker = locks.resolve(network + KEPT_SUFFIX);
        if (!Files.isRegularFile(marker)) {
            return false;
        }
        String work = Files.readString(marker, StandardCharsets.UTF_8).strip();
        if (!work.isEmpty() && Files.isDirectory(Path.of(work))) {
            return true;
        }
        Files.deleteIfExists(marker);   // its machines were removed without their teardown
        return false;
    }

    /** The marker that keeps the subnet for machines kept for the next run in {@code work}; their teardown removes it. */
    Path keepFor(Path work) {
        Path marker = lockFile.resolveSibling(network + KEPT_SUFFIX);
        try {
            Files.writeString(marker, work.toAbsolutePath() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot keep the private network " + network + " for " + work, e);
        }
        keptMarker = marker;
        return marker;
    }

    /** The end of this JVM for kept machines: the lock goes, the marker keeps the subnet for them. */
    void detach() {
        releaseLock();
    }

    /** The machines stay (evidence of a failure): {@link #close()} then leaves the subnet held. */
    void keep() {
        kept = true;
    }

    /** The machines are gone: the subnet is free again, unless they stay as evidence. */
    @Override
    public void close() {
        if (kept) {
            return;
        }
        if (keptMarker != null) {
            try {
                Files.deleteIfExists(keptMarker);
            } catch (IOException ignored) {
                // a marker naming a removed work directory is cleared by the next lease
            }
        }
        releaseLock();
    }

    private synchronized void releaseLock() {
        if (channel == null) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel or the JVM
        } finally {
            channel = null;
            HELD.remove(lockFile);
        }
    }

    /**
     * Whether Docker already uses the subnet: the docker provider's network for it still has
     * containers, or another network overlaps it (Docker hands out 192.168.x.0/20 blocks once its
     * 172.x pools are taken, e.g. to a containers cluster's networks; Vagrant would then try to put
     * the machine on that network). False without docker.
     */
    private static boolean dockerUses(String network) {
        try {
            Process process = new ProcessBuilder("sh", "-c", "command -v docker >/dev/null || exit 0; docker network ls -q"
                    + " | xargs -r docker network inspect --format"
                    + " '{{.Name}} {{len .Containers}} {{range .IPAM.Config}}{{.Subnet}} {{end}}' 2>/dev/null")
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return usedIn(output, network);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code networks}: a line per Docker network, its name, its number of containers, its subnets. */
    static boolean usedIn(String networks, String network) {
        String own = "vagrant_network_" + network + ".0/24";
        for (String line : networks.strip().split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 2) {
                continue;
            }
            if (fields[0].equals(own)) {
                if (!fields[1].equals("0")) {
                    return true;
                }
                continue;
            }
            for (int i = 2; i < fields.length; i++) {
                if (overlaps(fields[i], network + ".0/24")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean overlaps(String cidr, String other) {
        long[] a = ipv4Block(cidr);
        long[] b = ipv4Block(other);
        if (a == null || b == null) {
            return false;   // IPv6, or nothing Docker would print
        }
        long mask = Math.min(a[1], b[1]);
        long bits = mask == 0 ? 0 : (0xFFFFFFFFL << (32 - mask)) & 0xFFFFFFFFL;
        return (a[0] & bits) == (b[0] & bits);
    }

    /** The address as a number and the prefix length, or null where it is no IPv4 CIDR. */
    private static long[] ipv4Block(String cidr) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)/(\\d+)").matcher(cidr);
        if (!m.matches()) {
            return null;
        }
        long address = 0;
        for (int i = 1; i <= 4; i++) {
            address = (address << 8) | Long.parseLong(m.group(i));
        }
        return new long[] {address, Long.parseLong(m.group(5))};
    }
}
