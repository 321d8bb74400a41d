package dev.hotstandby.engine;

import dev.hotstandby.internal.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One cluster kept for reuse: its directory in the {@link ReuseRegistry}, which holds
 * {@value #RECORD} (what a later JVM needs to attach: the engine's and the backend's part),
 * {@value #TEARDOWN} (the shell lines that stop and remove the cluster with no JVM running), a lock
 * file, {@code holder-<pid>-<start ticks>} for the JVM that uses it, and {@value #IDLE_SINCE}, whose
 * time says since when nobody has. The lease is an OS file lock, so a JVM killed with kill -9 loses
 * it at once; the holder file is for the watchdog ({@code reuse-watchdog.sh}), a shell process
 * that stops and removes the cluster once it is idle for too long, with or without a JVM of ours.
 */
public final class ReuseEntry {
    static final String RECORD = "cluster.properties";
    static final String TEARDOWN = "teardown.sh";
    static final String IDLE_SINCE = "idle-since";
    private static final String LOCK = "lock";
    private static final String HOLDER = "holder-";

    /**
     * The entries this JVM holds, never opened a second time: a process loses its POSIX record lock
     * on a file when it closes any channel of that file, so a second look would hand the entry to
     * another JVM while it is in use.
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private FileChannel lockChannel;
    private Path holder;

    ReuseEntry(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    public Path directory() {
        return directory;
    }

    /** The entry's name, unique on this machine: backends name what they create for it after it. */
    public String id() {
        return directory.getFileName().toString();
    }

    /**
     * The lease, if nobody holds it: the file lock, then this JVM's holder file. False when another
     * JVM (or thread of this one) has it, or when the watchdog is taking the entry away just now.
     */
    synchronized boolean tryLease() {
        if (!HELD_HERE.add(directory)) {
            return false;
        }
        try {
            FileChannel channel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                HELD_HERE.remove(directory);
                return false;
            }
            lockChannel = channel;
        } catch (IOException goneOrRenamed) {
            HELD_HERE.remove(directory);
            return false;
        }
        // created only while the entry is at its path: the watchdog renames it before it checks the holders
        Path mine = directory.resolve(HOLDER + JvmOwner.currentProcStart());
        try {
            Files.deleteIfExists(mine);
            Files.createFile(mine);
            holder = mine;
            touchIdle();
            removeDeadHolders();
            return true;
        } catch (IOException takenAway) {
            release();
            return false;
        }
    }

    /** Hands the cluster back for the next run: idle from now, no holder, lock released. */
    synchronized void release() {
        try {
            if (holder != null) {
                touchIdle();
                Files.deleteIfExists(holder);
            }
        } catch (IOException gone) {
            // the entry was removed meanwhile
        } finally {
            holder = null;
            closeLock();
        }
    }

    private void closeLock() {
        if (lockChannel != null) {
            try {
                lockChannel.close();
            } catch (IOException ignored) {
                // the lock goes with the channel either way
            }
            lockChannel = null;
            HELD_HERE.remove(directory);
        }
    }

    private void touchIdle() throws IOException {
        Path idle = directory.resolve(IDLE_SINCE);
        if (!Files.exists(idle)) {
            Files.createFile(idle);
        }
        Files.setLastModifiedTime(idle, FileTime.from(Instant.now()));
    }

    /** Holder files of JVMs killed while they held it: the lock says nobody holds it now. */
    private void removeDeadHolders() throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().startsWith(HOLDER) && !file.equals(holder)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    public Properties record() {
        Properties record = new Properties();
        try (Reader reader = Files.newBufferedReader(directory.resolve(RECORD), StandardCharsets.UTF_8)) {
            record.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + directory.resolve(RECORD), e);
        }
        return record;
    }

    /** Written whole, then moved into place: a reader never sees half of it. */
    void writeRecord(Properties record) {
        Path temporary = directory.resolve(RECORD + ".new");
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            record.store(writer, "a hotstandby cluster kept for the next run");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + temporary, e);
        }
        try {
            Files.move(temporary, directory.resolve(RECORD), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(RECORD), e);
        }
    }

    /** The script that removes the cluster without a JVM; it gets the entry's directory as $1 (renamed by then). */
    public void writeTeardown(String script) {
        try {
            Files.writeString(directory.resolve(TEARDOWN), script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(TEARDOWN), e);
        }
    }

    /**
     * Starts the entry's watchdog: a shell process in a session of its own (so neither the end of
     * this JVM nor a Ctrl-C to its terminal ends it), which checks every few seconds.
     */
    void startWatchdog(Duration idle) {
        long idleSeconds = Math.max(1, idle.toSeconds());
        long everySeconds = Math.max(1, Math.min(5, idleSeconds / 10));
        try (InputStream script = ReuseEntry.class.getResourceAsStream("reuse-watchdog.sh")) {
            String text = new String(script.readAllBytes(), StandardCharsets.UTF_8);
            java.util.List<String> command = new java.util.ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                command.add("/usr/bin/setsid");
            }
            command.addAll(java.util.List.of("sh", "-c", text, "hotstandby-reuse-watchdog", directory.toString(),
                    String.valueOf(idleSeconds), String.valueOf(everySeconds)));
            new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the watchdog that removes " + directory + " once idle", e);
        }
    }

    /**
     * Stops and removes the cluster now, as the watchdog would (its teardown script), and the entry
     * with it; for a cluster that cannot be used again. Runs in this JVM.
     */
    void remove() {
        Path teardown = directory.resolve(TEARDOWN);
        try {
            if (Files.exists(teardown)) {
                Process process = new ProcessBuilder("sh", teardown.toString(), directory.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES);
            }
        } catch (IOException e) {
            NodeLog.forCluster("hotstandby reuse").warn("cannot run " + teardown + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeLock();
            Trees.delete(directory);
            try {
                Files.deleteIfExists(directory.getParent());   // the configuration's directory, when it was the last
            } catch (IOException stillHasEntries) {
                // other clusters of the configuration are kept there
            }
        }
    }

    @Override
    public String toString() {
        return directory.toString();
    }
}
