package dev.hotstandby.backend.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * {@code hotstandby.reuse=true} on containers, each run a JVM of its own ({@link KeptClusterRun}):
 * the containers outlive the JVM that made them, the reaper (which removes what dead JVMs left)
 * spares them while their entry exists, and the next runs drive the attached cluster as their own:
 * link faults through relays of their own, a standby the last run left cut off streaming again, a
 * promotion, then a refresh that boots it again in the same containers. Stopped for good, nothing
 * of it is left.
 */
class KeptClusterTest {
    private static final Pattern KEYED = Pattern.compile("([a-z-]+)=(.*)");

    @BeforeEach
    void containersCanRun() {
        ContainersAvailable.assumeContainersCanRun();
    }

    @Test
    void aKeptClusterOutlivesItsJvmAndTheNextRunDrivesIt() throws Exception {
        String database = "kept_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        Map<String, String> first = run(database, "keep");
        String container = first.get("container");
        assertThat(exists(container)).as("kept after its JVM ended").isTrue();

        StaleContainerReaper.reap(DockerClientFactory.instance().client());
        assertThat(exists(container)).as("spared by the reaper: its reuse entry exists").isTrue();

        Map<String, String> second = run(database, "faults");
        assertThat(second.get("container")).isEqualTo(container);
        assertThat(second.get("server-start")).as("the servers the first run kept").isEqualTo(first.get("server-start"));
        assertThat(second.get("replicated")).as("written while cut, streamed after the reconnect").isEqualTo("1");

        Map<String, String> afterCut = run(database, "promote");
        assertThat(afterCut.get("server-start")).as("the same servers").isEqualTo(first.get("server-start"));
        assertThat(afterCut.get("replicated")).as("the standby the last run left cut off streams again").isEqualTo("1");

        Map<String, String> third = run(database, "stop");
        assertThat(third.get("container")).as("the same container").isEqualTo(container);
        assertThat(third.get("server-start")).as("booted again in place after the promotion")
                .isNotEqualTo(first.get("server-start"));
        assertThat(third.get("roles")).as("the declared roles again").isEqualTo("f t");
        assertThat(third.get("fingerprint")).as("the declared state").isEqualTo(first.get("fingerprint"));
        assertThat(third.get("stopped")).isEqualTo("1");
        assertThat(exists(container)).as("stopped for good").isFalse();
    }

    /** Docker names a container's host after the first 12 characters of its id. */
    private static boolean exists(String hostName) {
        return !DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
                .withIdFilter(List.of(hostName)).exec().isEmpty();
    }

    private static Map<String, String> run(String database, String mode) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dhotstandby.reuse=true", "-Dhotstandby.reuse.idle=PT10M"));
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("hotstandby.") && !name.startsWith("hotstandby.reuse"))
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KeptClusterRun.class.getName(), database, mode));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, String> printed = new LinkedHashMap<>();
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.append(line).append('\n');
                Matcher keyed = KEYED.matcher(line);
                if (keyed.matches()) {
                    printed.put(keyed.group(1), keyed.group(2));
                }
            }
            assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(child.exitValue()).as("the run's output:\n" + output).isZero();
            assertThat(output.toString()).as("the run's output").contains("\ndone\n");
            return printed;
        } finally {
            child.destroyForcibly();
        }
    }
}
