package dev.hotstandby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Majors other than the default, from zonky jars in the local Maven repository (the build fetches
 * them): 11 configures its standby with recovery.conf, 16 with standby.signal.
 */
class OtherMajorsTest {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(strings = {"11", "16"})
    void standbyStreamsOnEveryMajor(String major) throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().version(major).standbys(1).start();
             Connection primary = cluster.primary().dataSource().getConnection();
             Connection standby = cluster.standby(0).dataSource().getConnection();
             Statement onPrimary = primary.createStatement();
             Statement onStandby = standby.createStatement()) {
            assertThat(PostgresClusterTest.query(onPrimary, "SELECT current_setting('server_version_num')"))
                    .startsWith(major);
            onPrimary.execute("CREATE TABLE tab (val int)");
            onPrimary.execute("INSERT INTO tab VALUES (42)");
            cluster.awaitReplication();

            assertThat(PostgresClusterTest.query(onStandby, "SELECT val FROM tab")).isEqualTo("42");
            assertThat(PostgresClusterTest.query(onStandby, "SELECT status FROM pg_stat_wal_receiver")).isEqualTo("streaming");
            assertThat(PostgresClusterTest.query(onPrimary,
                    "SELECT state FROM pg_stat_replication WHERE application_name = 'standby-0'")).isEqualTo("streaming");
            String standbyFile = Integer.parseInt(major) <= 11 ? "recovery.conf" : "standby.conf";
            assertThat(PostgresClusterTest.query(onStandby, "SELECT pg_read_file('" + standbyFile + "')"))
                    .contains("application_name=standby-0");
            assertThatThrownBy(() -> onStandby.execute("INSERT INTO tab VALUES (1)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
        }
    }
}
