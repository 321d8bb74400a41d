package dev.hotstandby;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
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
}
