package dev.hotstandby.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterOption;
import dev.hotstandby.ClusterOptions;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.Quorum;
import dev.hotstandby.SynchronousCommit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line is made from the options' description: every option there has its flag, and each flag reaches the spec. */
class CliOptionsTest {

    @Test
    void everyOptionOnTheCommandLineReachesTheSpec(@TempDir Path dir) throws Exception {
        Path schema = Files.writeString(dir.resolve("schema.sql"), "CREATE TABLE t (id int)");
        ClusterSpec spec = spec("--standbys", "2", "--version=16", "--backend", "containers", "--image", "postgres:16-alpine",
                "--synchronous", "--synchronous-commit", "remote-write", "--quorum", "FIRST 1", "--upstreams=-1,-1",
                "--archiving", "--replication-slots", "--logical", "--set", "work_mem=8MB", "--standby-set",
                "hot_standby_feedback=on", "--database", "shop", "--username", "shop_app", "--password", "fixed-Secret_1",
                "--init-script", schema.toString(), "--init-script", "classpath:settings/orders-schema.sql", "--start-timeout", "PT90S");

        assertThat(spec.standbys()).isEqualTo(2);
        assertThat(spec.major()).isEqualTo(16);
        assertThat(spec.backend()).isEqualTo(Backend.CONTAINERS);
        assertThat(spec.image()).isEqualTo("postgres:16-alpine");
        assertThat(spec.replication().synchronous()).isTrue();
        assertThat(spec.replication().commitLevel()).isEqualTo(SynchronousCommit.REMOTE_WRITE);
        assertThat(spec.replication().quorum()).isEqualTo(Quorum.first(1));
        assertThat(spec.replication().archiving()).isTrue();
        assertThat(spec.replication().replicationSlots()).isTrue();
        assertThat(spec.replication().logical()).isTrue();
        assertThat(spec.settings().everyNode()).containsEntry("work_mem", "8MB");
        assertThat(spec.settings().standbysOnly()).containsEntry("hot_standby_feedback", "on");
        assertThat(spec.application().database()).isEqualTo("shop");
        assertThat(spec.application().username()).isEqualTo("shop_app");
        assertThat(spec.application().password()).isEqualTo("fixed-Secret_1");
        assertThat(spec.application().initScripts()).containsExactly("file:" + schema, "settings/orders-schema.sql");
        assertThat(spec.startTimeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void theUsageListsEveryOptionOnTheCommandLine() {
        assertThat(ClusterOptions.ALL).filteredOn(ClusterOption::onCommandLine)
                .allSatisfy(option -> assertThat(CliOptions.USAGE).contains("  " + option.flag() + " "));
    }

    @Test
    void aWrongChoiceNamesTheFlagAndTheChoices() {
        assertThatThrownBy(() -> spec("--synchronous-commit", "local"))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessage("--synchronous-commit must be one of remote_write, on, remote_apply but was \"local\"");
    }

    private static ClusterSpec spec(String... args) throws CliOptions.UsageException {
        return CliOptions.parse(args).applyTo(PostgresCluster.builder()).spec(new Properties());
    }
}
