package dev.hotstandby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What logical = true adds to a spec, and the settings it refuses, before anything starts. */
class LogicalSpecTest {
    private static ClusterSpec spec(PostgresCluster.Builder builder) {
        return builder.describedAs("LogicalSpecTest").spec(new Properties());
    }

    @Test
    void failoverSlotsAndPhysicalSlotsFrom17Only() {
        ReplicationOptions on17 = spec(PostgresCluster.builder().logical(true).version("17")).replication();
        assertThat(on17.logical()).isTrue();
        assertThat(on17.failoverSlots(17)).isTrue();
        assertThat(on17.physicalSlots(17)).as("a slot per standby is implied").isTrue();
        ReplicationOptions on16 = spec(PostgresCluster.builder().logical(true).version("16")).replication();
        assertThat(on16.failoverSlots(16)).isFalse();
        assertThat(on16.physicalSlots(16)).as("on 16 only wal_level").isFalse();
    }

    @Test
    void walLevelReplicaIsRefusedWithLogical() {
        assertThatThrownBy(() -> spec(PostgresCluster.builder().logical(true).setting("wal_level", "replica")))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessage("LogicalSpecTest: settings sets wal_level = replica, but logical = true needs wal_level = logical"
                        + " on every node (it sets that itself); remove it or choose another value");
    }

    @Test
    void standbysMustKeepFeedbackAndSlotSyncOnFrom17() {
        assertThatThrownBy(() -> spec(PostgresCluster.builder().logical(true).version("17")
                .standbySetting("hot_standby_feedback", "off")))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessageStartingWith("LogicalSpecTest: standbySettings sets hot_standby_feedback = off on the standbys,"
                        + " but logical = true on PostgreSQL 17 syncs failover slots");
        assertThat(spec(PostgresCluster.builder().logical(true).version("16").standbySetting("hot_standby_feedback", "off"))
                .settings().standbysOnly()).as("on 16 nothing needs it").containsEntry("hot_standby_feedback", "off");
    }
}
