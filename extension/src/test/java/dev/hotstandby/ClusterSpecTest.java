package dev.hotstandby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The public constructor validates as the builder does: no spec that could not start exists. */
class ClusterSpecTest {
    private static final ReplicationOptions ASYNC = ReplicationOptions.ASYNCHRONOUS;

    @Test
    void theConstructorRejectsWhatTheBuilderRejects() {
        assertThatThrownBy(() -> new ClusterSpec("OrdersIT", 9, 18, Backend.LOCAL, ASYNC, Duration.ofSeconds(5)))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessage("OrdersIT: standbys must be between 0 and 8 but was 9");
        assertThatThrownBy(() -> new ClusterSpec("OrdersIT", 1, 9, Backend.LOCAL, ASYNC, Duration.ofSeconds(5)))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessage("OrdersIT: major must be from 10 to 18 but was 9");
        assertThatThrownBy(() -> new ClusterSpec("OrdersIT", 1, 18, Backend.LOCAL, ASYNC, Duration.ZERO))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessage("OrdersIT: startTimeout must be positive but was PT0S");
        ReplicationOptions cascadeLoop = new ReplicationOptions(false, SynchronousCommit.REMOTE_APPLY, Quorum.ALL,
                List.of(1, 0), false, false);
        assertThatThrownBy(() -> new ClusterSpec("OrdersIT", 2, 18, Backend.LOCAL, cascadeLoop, Duration.ofSeconds(5)))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessageContaining("upstreams form a loop");
    }

    @Test
    void anExactBinariesVersionPinsTheLocalBackendsMinorAndTheRunWideOverrideWins() {
        ClusterSpec pinned = PostgresCluster.builder().version("16.15.0").spec(new Properties());
        assertThat(pinned.major()).isEqualTo(16);
        assertThat(pinned.binariesVersion()).isEqualTo("16.15.0");

        Properties run = new Properties();
        run.setProperty(ClusterSpec.VERSION_PROPERTY, "13.23.0");
        assertThat(PostgresCluster.builder().version("16").spec(run))
                .extracting(ClusterSpec::major, ClusterSpec::binariesVersion).containsExactly(13, "13.23.0");
        run.setProperty(ClusterSpec.VERSION_PROPERTY, "13");
        assertThat(PostgresCluster.builder().version("16.15.0").spec(run))
                .extracting(ClusterSpec::major, ClusterSpec::binariesVersion).containsExactly(13, "");
    }

    @Test
    void anExactBinariesVersionOnAnotherBackendFailsSayingWhatToWriteInstead() {
        assertThatThrownBy(() -> PostgresCluster.builder().version("16.15.0").backend(Backend.CONTAINERS)
                .spec(new Properties()))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessage("PostgresCluster.builder(): version \"16.15.0\" pins the minor of zonky's binaries, which only"
                        + " Backend.LOCAL runs; Backend.CONTAINERS runs the image's PostgreSQL: set version = \"16\" and"
                        + " choose the minor with the image (e.g. a postgres:<major>.<minor> tag) (or -Dhotstandby.version=16)");
        Properties run = new Properties();
        run.setProperty(ClusterSpec.BACKEND_PROPERTY, "vagrant");
        assertThatThrownBy(() -> PostgresCluster.builder().version("16.15.0").spec(run))
                .hasMessageContaining("Backend.VAGRANT runs the machine's packaged PostgreSQL: set version = \"16\"");
        assertThatThrownBy(() -> new ClusterSpec("OrdersIT", 1, 16, Backend.LOCAL, ASYNC, Duration.ofSeconds(5), "",
                null, ServerSettings.NONE, ApplicationOptions.DEFAULTS, "17.11.0"))
                .hasMessage("OrdersIT: binaries version \"17.11.0\" must be an exact version of major 16 such as \"16.1.0\"");
    }
}
