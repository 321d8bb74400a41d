package dev.hotstandby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The builder's settings validated with the spec, before anything starts. */
class ServerSettingsTest {

    @Test
    void standbyValuesFollowEveryNodesAndNamesAreLowerCase() {
        ServerSettings settings = PostgresCluster.builder().setting("Work_Mem", "64MB").standbySetting("work_mem", "'8MB'")
                .spec().settings();

        assertThat(settings.everyNode()).containsExactly(java.util.Map.entry("work_mem", "64MB"));
        assertThat(settings.forStandby()).containsExactly(java.util.Map.entry("work_mem", "'8MB'"));
        assertThat(settings.unknownNames(Set.of("max_connections"))).containsExactly("work_mem");
    }

    @Test
    void walSendersAreCountedFromTheStandbys() {
        assertThatThrownBy(() -> PostgresCluster.builder().standbys(2).setting("max_wal_senders", "2").spec())
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessageContaining("settings sets max_wal_senders = 2, but this cluster needs at least 3");
        assertThat(PostgresCluster.builder().standbys(2).setting("max_wal_senders", "3").spec().settings().everyNode())
                .containsEntry("max_wal_senders", "3");
    }

    @Test
    void aStandbyMayHaveMoreThanThePrimaryButNotLess() {
        assertThat(PostgresCluster.builder().standbySetting("max_connections", "150").spec()).isNotNull();
        assertThatThrownBy(() -> PostgresCluster.builder().standbySetting("max_connections", "50").spec())
                .hasMessageContaining("standbySettings sets max_connections = 50, lower than the primary's 100");
        assertThatThrownBy(() -> PostgresCluster.builder().setting("max_connections", "many").spec())
                .hasMessageContaining("max_connections takes a whole number");
    }

    @Test
    void hotStandbyOffInAnySpellingIsRejected() {
        for (String off : new String[] {"off", "'off'", "false", "0", "no", "OF"}) {
            assertThatThrownBy(() -> PostgresCluster.builder().setting("hot_standby", off).spec())
                    .as(off).hasMessageContaining("hot_standby = " + off + " on the standbys");
        }
        assertThat(PostgresCluster.builder().setting("hot_standby", "on").spec()).isNotNull();
    }
}
