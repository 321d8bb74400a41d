package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No PostgreSQL server outlives a JVM killed with SIGKILL: its watchdog stops them, and if the
 * watchdog died too, the next cluster start of any JVM on the same data root reaps them. Each test
 * runs the CLI in child JVMs on a private data root, so it can kill them and look inside.
 */
class OrphanedClustersTest {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    /**
     * Generous (a watchdog takes about a second) yet short of what would let a broken watchdog or
     * reaper pass: once its postmaster.pid is deleted, a server shuts itself down at its next
     * once-a-minute lock file check, about a minute after it started.
     */
    private static final Duration GONE_TIMEOUT = Duration.ofSeconds(30);
    /** The reaper stops the servers before the next cluster starts: they are gone when it exits. */
    private static final Duration REAPED_TIMEOUT = Duration.ofSeconds(10);

    private Path dataRoot;
    private Path classes;
    private String classpath;
    private final List<ChildJvm> children = new ArrayList<>();
    /** Every server seen, stopped after the test if it still runs, whatever happened. */
    private final List<ProcessHandle> servers = new ArrayList<>();

    @BeforeEach
    void privateDataRootAndClasses() {
        dataRoot = TempTrees.shortTempDir("hso");
        classes = TempTrees.shortTempDir("hsc");
        classpath = ClasspathCopy.joined(ClasspathCopy.copyOfClasspath(classes, false));
    }

    @AfterEach
    void killEverythingAndDeleteTheDataRoot() {
        try {
            children.forEach(ChildJvm::close);
            Processes.stopAll(servers);
        } finally {
            try {
                TempTrees.deleteTree(dataRoot);
            } finally {
                TempTrees.deleteTree(classes);
            }
        }
    }

    @Test
    void killedJvmLeavesNoServerRunning() {
        ChildJvm cli = startClusterThatStaysUp();
        List<ProcessHandle> postmasters = postmastersOf(cli);
        Path ownerDir = ownerDirectoryOf(cli);

        cli.kill();

        assertThat(Processes.awaitTrue(GONE_TIMEOUT, () -> Processes.running(postmasters).isEmpty()))
                .as("the watchdog stops the servers of a JVM killed with SIGKILL; still running after %s:%n%s",
                        GONE_TIMEOUT, Processes.describe(Processes.running(postmasters)))
                .isTrue();
        assertThat(Processes.awaitTrue(GONE_TIMEOUT, () -> !Files.exists(ownerDir)))
                .as("the watchdog removes the dead JVM's directory %s; left: %s", ownerDir, listing(ownerDir))
                .isTrue();
    }

    @Test
    void nextStartReapsWhatADeadJvmLeft() {
        ChildJvm cli = startClusterThatStaysUp();
        List<ProcessHandle> postmasters = postmastersOf(cli);
        Path ownerDir = ownerDirectoryOf(cli);
        List<ProcessHandle> watchdogs = cli.descendantsRunning(ChildJvm.WATCHDOG);
        assertThat(watchdogs).as("the CLI JVM's watchdog among its processes").hasSize(1);

        watchdogs.get(0).destroyForcibly();
        assertThat(Processes.awaitTrue(Duration.ofSeconds(10), () -> Processes.running(watchdogs).isEmpty()))
                .as("the watchdog dies of SIGKILL").isTrue();
        cli.kill();
        pauseLongEnoughForAWatchdogToAct();

        assertThat(Processes.running(postmasters))
                .as("with its watchdog killed first, nothing stops the dead JVM's servers")
                .containsExactlyInAnyOrderElementsOf(postmasters);
        assertThat(ownerDir).as("the dead JVM's directory is still there").isDirectory();

        ChildJvm next = start("--standbys", "0", "--exit");
        int status = next.awaitExit(START_TIMEOUT);
        assertThat(status).as("the next start on the same data root; its output:%n%s", next.output()).isZero();

        assertThat(Processes.awaitTrue(REAPED_TIMEOUT, () -> Processes.running(postmasters).isEmpty()))
                .as("the next cluster start reaps the orphaned servers; still running %s after it exited:%n%s"
                                + "%nwhat is left of the dead JVM's directory:%n%s%nthe next start's output:%n%s",
                        REAPED_TIMEOUT, Processes.describe(Processes.running(postmasters)), listing(ownerDir), next.output())
                .isTrue();
        assertThat(ownerDir).as("the dead JVM's directory, removed by the reaper").doesNotExist();
    }

    private ChildJvm startClusterThatStaysUp() {
        ChildJvm cli = start("--standbys", "1");
        cli.awaitOutput("cluster is up", START_TIMEOUT);
        return cli;
    }

    private ChildJvm start(String... args) {
        ChildJvm child = ChildJvm.start(ChildJvm.cliCommand(
                List.of("-D" + Workspace.DATA_DIR_PROPERTY + "=" + dataRoot),
                classpath, args));
        children.add(child);
        return child;
    }

    private List<ProcessHandle> postmastersOf(ChildJvm cli) {
        List<ProcessHandle> postmasters = cli.descendantsRunning(ChildJvm.POSTMASTER);
        servers.addAll(postmasters);
        assertThat(postmasters)
                .as("a primary and a standby postmaster among the processes of %s:%n%s", cli,
                        Processes.describe(cli.handle().descendants().toList()))
                .hasSize(2);
        postmasters.forEach(postmaster -> assertThat(postmaster.info().commandLine().orElseThrow())
                .as("a server of this test's data root").contains(dataRoot.toString()));
        return postmasters;
    }

    /** {@code <data root>/clusters/<pid>-<start millis>}: where a JVM keeps its clusters. */
    private Path ownerDirectoryOf(ChildJvm cli) {
        Path clusters = dataRoot.resolve("clusters");
        try (Stream<Path> owners = Files.list(clusters)) {
            List<Path> own = owners.filter(dir -> dir.getFileName().toString().startsWith(cli.pid() + "-")).toList();
            assertThat(own).as("the directory of %s in %s", cli, clusters).hasSize(1);
            return own.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A live watchdog stops the servers within about a second; this gives a dead one that chance. */
    private static void pauseLongEnoughForAWatchdogToAct() {
        try {
            Thread.sleep(1_500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String listing(Path dir) {
        if (!Files.exists(dir)) {
            return "(nothing)";
        }
        try (Stream<Path> paths = Files.walk(dir, 3)) {
            return String.join("\n", paths.map(Path::toString).toList());
        } catch (IOException | UncheckedIOException e) {
            return "(cannot list: " + e.getMessage() + ")";
        }
    }
}
