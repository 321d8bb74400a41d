package dev.hotstandby.backend.machines;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without a vagrant command a Vagrant cluster is unavailable (the JUnit extension skips the class),
 * or fails when {@code hotstandby.require} names vagrant; nothing is made either way. Run in a child
 * JVM whose PATH holds no vagrant.
 */
class VagrantMissingTest {

    @Test
    void withoutVagrantTheClusterIsUnavailableAndTheMessageSaysHowToGetIt() throws Exception {
        assertThat(runWithoutVagrant(List.of()))
                .startsWith("unavailable: ")
                .contains("Backend.VAGRANT needs Vagrant (the `vagrant` command), which is not on the PATH")
                .contains("apt-get install vagrant")
                .contains("-Dhotstandby.require=vagrant makes this a failure");
    }

    @Test
    void withoutVagrantButRequiredTheClusterFails() throws Exception {
        assertThat(runWithoutVagrant(List.of("-Dhotstandby.require=containers,vagrant")))
                .startsWith("failed: ")
                .contains("-Dhotstandby.require names vagrant, so this fails instead of being skipped");
    }

    private static String runWithoutVagrant(List<String> properties) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        command.addAll(properties);
        command.add(VagrantMissingMain.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", "/nonexistent");
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output.lines().filter(line -> line.startsWith("unavailable: ") || line.startsWith("failed: "))
                .findFirst().orElse(output);
    }
}
