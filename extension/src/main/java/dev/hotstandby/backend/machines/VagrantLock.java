package dev.hotstandby.backend.machines;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One {@code vagrant up} or {@code vagrant destroy} at a time on this machine, across threads and
 * JVMs: Vagrant picks each machine's forwarded SSH port by looking at what is free at that moment,
 * so two ups side by side can pick the same; and the docker provider's destroy removes every
 * vagrant network no container uses yet, including one another cluster's up has just created; and
 * the docker provider's up inspects every container and network it lists, so one that another
 * cluster's teardown removes meanwhile (docker rm, {@link DockerLeftovers}) fails it with
 * "No such object". Everything in between (SSH, provisioning, the tests) still runs in parallel.
 */
final class VagrantLock implements AutoCloseable {
    private static final Path FILE = Path.of(System.getProperty("java.io.tmpdir"), "hotstandby-vagrant-subnets", "up.lock");
    /** File locks belong to the JVM, not a thread: threads of one JVM queue here first. */
    private static final ReentrantLock IN_THIS_JVM = new ReentrantLock();

    private final FileChannel channel;
    private final FileLock lock;

    private VagrantLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static VagrantLock acquire() {
        IN_THIS_JVM.lock();
        try {
            Files.createDirectories(FILE.getParent());
            FileChannel channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new VagrantLock(channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            IN_THIS_JVM.unlock();
            throw new IllegalStateException("cannot take the lock " + FILE + " that orders Vagrant runs: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel or the JVM
        } finally {
            IN_THIS_JVM.unlock();
        }
    }
}
