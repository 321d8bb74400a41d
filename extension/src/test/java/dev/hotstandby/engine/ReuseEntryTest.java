package dev.hotstandby.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease of a reuse entry is a POSIX record lock, which a process loses when it closes any of its
 * channels of the lock file: a JVM that holds an entry and asks for it again (its pool's next take
 * while all its clusters are busy lists every entry) must keep the lock and its holder file, or a
 * second JVM takes the cluster while it is in use and the watchdog sees no holder.
 */
class ReuseEntryTest {
    @TempDir
    Path registry;

    @Test
    void askingAgainForAnEntryThisJvmHoldsKeepsTheLockAndTheHolderFile() throws Exception {
        Path directory = Files.createDirectory(registry.resolve("entry"));
        ReuseEntry held = new ReuseEntry(directory);
        assertThat(held.tryLease()).isTrue();
        try {
            assertThat(lockHolders(directory.resolve("lock"))).as("leased").containsExactly(ProcessHandle.current().pid());
            assertThat(new ReuseEntry(directory).tryLease()).as("an entry this JVM holds").isFalse();
            assertThat(lockHolders(directory.resolve("lock"))).as("still leased")
                    .containsExactly(ProcessHandle.current().pid());
            assertThat(holderFiles(directory)).containsExactly("holder-" + JvmOwner.currentProcStart());
        } finally {
            held.release();
        }
        assertThat(lockHolders(directory.resolve("lock"))).as("released").isEmpty();
        assertThat(new ReuseEntry(directory).tryLease()).as("free again").isTrue();
    }

    @Test
    void theWatchdogTearsDownAnEntryNobodyHoldsOnceIdleAndTheLastOneTakesItsConfigurationsDirectory() throws Exception {
        Path configuration = Files.createDirectory(registry.resolve("configuration"));
        ReuseEntry entry = new ReuseEntry(Files.createDirectory(configuration.resolve("entry")));
        entry.writeTeardown("touch \"$1\"/../../torn-down\n");
        assertThat(entry.tryLease()).isTrue();
        entry.startWatchdog(Duration.ofSeconds(1));
        entry.release();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(configuration));
        assertThat(registry.resolve("torn-down")).as("its teardown ran").exists();
    }

    @Test
    void aKeptClusterGivesWayOnlyWhenNobodyHoldsIt() throws Exception {
        Path configuration = Files.createDirectory(registry.resolve("configuration"));
        Path directory = Files.createDirectory(configuration.resolve("entry"));
        ReuseEntry entry = new ReuseEntry(directory);
        entry.writeTeardown("touch \"$1\"/../../torn-down\n");
        assertThat(entry.tryLease()).isTrue();

        assertThat(ReusedClusters.removeIfIdle(directory)).as("held by a run").isFalse();
        assertThat(directory).exists();
        entry.release();

        assertThat(ReusedClusters.removeIfIdle(directory)).as("nobody holds it").isTrue();
        assertThat(registry.resolve("torn-down")).as("its teardown ran").exists();
        assertThat(configuration).as("the entry and its configuration's directory are gone").doesNotExist();
        assertThat(ReusedClusters.removeIfIdle(directory)).as("gone already").isFalse();
    }

    /** The pids with a POSIX lock on {@code file}: /proc/locks names the file by device and inode ("... 4711 00:2c:123 0 EOF"). */
    private static List<Long> lockHolders(Path file) throws IOException {
        String inode = String.valueOf(Files.getAttribute(file, "unix:ino"));
        return Files.readAllLines(Path.of("/proc/locks")).stream().map(line -> line.trim().split("\\s+"))
                .filter(fields -> fields[1].equals("POSIX") && fields[5].endsWith(":" + inode))
                .map(fields -> Long.parseLong(fields[4])).toList();
    }

    private static List<String> holderFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("holder-")).toList();
        }
    }
}
