package dev.hotstandby.backend.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Runs work under a lock that holds across threads and across processes (concurrent Maven forks).
 * File locks alone are per process, so threads of one JVM also take an in-memory lock first.
 */
final class FileLocks {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private FileLocks() {
    }

    static <T> T withLock(Path lockFile, Supplier<T> work) {
        ReentrantLock threads = IN_JVM.computeIfAbsent(lockFile.toAbsolutePath(), path -> new ReentrantLock());
        threads.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock processes = channel.lock()) {
            return work.get();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        } finally {
            threads.unlock();
        }
    }
}
