package dev.hotstandby.backend.machines;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A JVM killed with SIGKILL runs no teardown: its Vagrant machines keep running. The next start
 * of a Vagrant cluster, in any JVM, destroys them through Vagrant and removes their folder.
 */
class KilledJvmVagrantTest {
    private static final Pattern STARTED = Pattern.compile("started primary owner=(\\S+)");

    @BeforeEach
    void vagrantCanRun() {
        VagrantAvailable.assumeVagrantCanRun();
    }

    @Test
    void machinesOfAKilledJvmAreDestroyedByTheNextStart() throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        for (String property : List.of("hotstandby.version", VagrantMachines.PROVIDER_PROPERTY)) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.add(AbandonedVagrantClusterMain.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Path folder = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder output = new StringBuilder();
            String owner = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.append(line).append('\n');
                Matcher started = STARTED.matcher(line);
                if (started.find()) {
                    owner = started.group(1);
                    break;
                }
            }
            assertThat(owner).as("the child's output:\n" + output).isNotNull();
            folder = folderOwnedBy(owner);
            Vagrant vagrant = new Vagrant(folder, folder.resolve("state"), Map.of());
            assertThat(vagrant.run(Duration.ofMinutes(1), "status", "--machine-readable").output())
                    .as("the child's machine").contains(",state,running");

            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(vagrant.run(Duration.ofMinutes(1), "status", "--machine-readable").output())
                    .as("nothing destroys it by itself").contains(",state,running");

            StaleVagrantRuns.reap();

            assertThat(folder).doesNotExist();
        } finally {
            child.destroyForcibly();
            StaleVagrantRuns.reap();
        }
    }

    private static Path folderOwnedBy(String owner) throws Exception {
        try (Stream<Path> folders = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path folder : folders.filter(f -> f.getFileName().toString().startsWith(StaleVagrantRuns.PREFIX)).toList()) {
                Path file = folder.resolve(StaleVagrantRuns.OWNER_FILE);
                if (Files.isRegularFile(file) && Files.readString(file).strip().equals(owner)) {
                    return folder;
                }
            }
        }
        throw new AssertionError("no Vagrant folder is owned by " + owner);
    }
}
