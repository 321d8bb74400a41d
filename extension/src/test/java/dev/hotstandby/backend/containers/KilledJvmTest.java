package dev.hotstandby.backend.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * A JVM killed with SIGKILL runs no shutdown hook, and without Ryuk nothing removes its
 * containers then. The next start, in any JVM, does: everything labelled with a dead owner goes.
 */
class KilledJvmTest {
    private static final Pattern STARTED = Pattern.compile("started primary owner=(\\S+)");

    @BeforeEach
    void containersCanRun() {
        ContainersAvailable.assumeContainersCanRun();
    }

    @Test
    void containersOfAKilledJvmAreRemovedByTheNextStart() throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        for (String property : List.of("hotstandby.image", "hotstandby.version")) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.add(AbandonedClusterMain.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String owner = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.append(line).append('\n');
                Matcher started = STARTED.matcher(line);
                if (started.find()) {
                    owner = started.group(1);
                    break;
                }
            }
            assertThat(owner).as("the child's output:\n" + output).isNotNull();
            assertThat(ContainersBackendTest.labelled(Labels.OWNER + "=" + owner)).as("the child's cluster")
                    .hasSize(4); // two containers and the two networks (replication, access)

            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ContainersBackendTest.labelled(Labels.OWNER + "=" + owner)).as("nothing removes them by itself")
                    .hasSize(4);

            int removed = StaleContainerReaper.reap(DockerClientFactory.instance().client());

            assertThat(removed).isGreaterThanOrEqualTo(4);
            assertThat(ContainersBackendTest.labelled(Labels.OWNER + "=" + owner)).isEmpty();
        } finally {
            child.destroyForcibly();
            if (owner != null) {
                StaleContainerReaper.reap(DockerClientFactory.instance().client());
            }
        }
    }

    @Test
    void theOwnerOfThisJvmIsAliveAndAStrangersIsNotJudged() {
        assertThat(Labels.ownerIsGone(Labels.forCluster("x"))).isFalse();
        java.util.Map<String, String> deadHere = new java.util.HashMap<>(Labels.forCluster("x"));
        deadHere.put(Labels.OWNER, "999999999-1");
        assertThat(Labels.ownerIsGone(deadHere)).isTrue();
        java.util.Map<String, String> elsewhere = new java.util.HashMap<>(deadHere);
        elsewhere.put(Labels.HOST, "another-machine");
        assertThat(Labels.ownerIsGone(elsewhere)).as("pids of another machine mean nothing here").isFalse();
    }

    @Test
    void aDeadOwnersClusterKeptForReuseIsSparedWhileItsEntryExists(@org.junit.jupiter.api.io.TempDir java.nio.file.Path entry) {
        java.util.Map<String, String> kept = new java.util.HashMap<>(Labels.forCluster("x", entry));
        assertThat(Labels.ownerIsGone(kept)).as("no JVM owns it: a reaper judging pids leaves it alone").isFalse();
        assertThat(Labels.leftOver(kept)).as("its entry exists: the watchdog removes it once idle").isFalse();
        kept.put(Labels.REUSE, entry.resolve("removed").toString());
        assertThat(Labels.leftOver(kept)).as("its entry is gone").isTrue();
        java.util.Map<String, String> deadOwner = new java.util.HashMap<>(Labels.forCluster("x"));
        deadOwner.put(Labels.OWNER, "999999999-1");
        assertThat(Labels.leftOver(deadOwner)).as("not kept for reuse, its JVM gone").isTrue();
    }
}
