package dev.hotstandby.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.ClusterConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hotstandby.reuse and hotstandby.reuse.idle: the machine owner's sources only, in their order, and what is refused. */
class ReuseOptionsTest {
    @TempDir
    Path home;

    @Test
    void offWithTenMinutesUnlessTheOwnerSaysOtherwise() {
        ReuseOptions options = ReuseOptions.read(new Properties(), Map.of(), home.resolve(ReuseOptions.USER_FILE));
        assertThat(options).isEqualTo(new ReuseOptions(false, Duration.ofMinutes(10)));
    }

    @Test
    void systemPropertiesWinOverTheEnvironmentWhichWinsOverTheUserFile() throws Exception {
        Path file = home.resolve(ReuseOptions.USER_FILE);
        Files.writeString(file, "hotstandby.reuse=true\nhotstandby.reuse.idle=PT1H\n");
        assertThat(ReuseOptions.read(new Properties(), Map.of(), file)).isEqualTo(new ReuseOptions(true, Duration.ofHours(1)));

        Map<String, String> environment = Map.of("HOTSTANDBY_REUSE", "false", "HOTSTANDBY_REUSE_IDLE", "PT5M");
        assertThat(ReuseOptions.read(new Properties(), environment, file)).isEqualTo(new ReuseOptions(false, Duration.ofMinutes(5)));

        Properties system = new Properties();
        system.setProperty("hotstandby.reuse", "TRUE");
        system.setProperty("hotstandby.reuse.idle", "PT30S");
        assertThat(ReuseOptions.read(system, environment, file)).isEqualTo(new ReuseOptions(true, Duration.ofSeconds(30)));
    }

    @Test
    void aValueThatIsNeitherTrueNorFalseIsRefusedNamingItsSource() {
        assertThatThrownBy(() -> ReuseOptions.read(new Properties(), Map.of("HOTSTANDBY_REUSE", "yes"), home.resolve("none")))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessage("environment variable HOTSTANDBY_REUSE must be true or false but was 'yes'");
    }

    @Test
    void anIdleTimeThatIsNoPositiveDurationIsRefusedNamingItsSource() throws Exception {
        Path file = home.resolve(ReuseOptions.USER_FILE);
        Files.writeString(file, "hotstandby.reuse.idle=10 minutes\n");
        assertThatThrownBy(() -> ReuseOptions.read(new Properties(), Map.of(), file))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessage("hotstandby.reuse.idle in " + file + " must be a positive ISO-8601 duration such as PT10M"
                        + " or PT30S but was '10 minutes'");
        Properties system = new Properties();
        system.setProperty("hotstandby.reuse.idle", "PT0S");
        assertThatThrownBy(() -> ReuseOptions.read(system, Map.of(), file)).hasMessageContaining("but was 'PT0S'");
    }
}
