package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.assertTwoStandbysStillReplicate;
import static dev.hotstandby.conformance.Sql.awaitStreamingFrom;
import static dev.hotstandby.conformance.Sql.count;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Run-time settings through {@code set()} and {@code reset()}: a reloadable parameter changes without a
 * restart, a postmaster one restarts the node, and either way the node shows the value in pg_settings
 * and every standby streams again. Each test resets what it set; afterwards every standby streams and
 * receives a new row.
 */
@PostgresStandbyCluster(shared = true, standbys = 2)
class RuntimeSettingsTest {
    private static final AtomicInteger CHECKS = new AtomicInteger();

    @AfterEach
    void clusterStillReplicates(PostgresCluster cluster) throws Exception {
        assertTwoStandbysStillReplicate(cluster, "after_settings_" + CHECKS.incrementAndGet());
    }

    @Test
    void reloadableParameterOnAStandbyChangesWithoutARestart(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        String started = startTime(standby);
        String before = setting(standby, "max_standby_streaming_delay");

        cluster.set(standby, "max_standby_streaming_delay", "45s");
        assertThat(setting(standby, "max_standby_streaming_delay")).isEqualTo("45000");
        assertThat(startTime(standby)).as("reloaded, not restarted").isEqualTo(started);
        assertThat(setting(cluster.standby(1), "max_standby_streaming_delay")).as("the other standby").isEqualTo(before);

        cluster.reset(standby, "max_standby_streaming_delay");
        assertThat(setting(standby, "max_standby_streaming_delay")).isEqualTo(before);
        assertThat(startTime(standby)).isEqualTo(started);
    }

    @Test
    void userParameterIsNormalisedAsPostgresqlShowsIt(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        String before = single(primary, "SHOW work_mem");

        cluster.set(primary, "work_mem", "8MB");
        assertThat(single(primary, "SHOW work_mem")).isEqualTo("8MB");
        assertThat(setting(primary, "work_mem")).isEqualTo("8192");
        cluster.set(primary, "work_mem", "16384kB");
        assertThat(single(primary, "SHOW work_mem")).isEqualTo("16MB");

        cluster.reset(primary, "work_mem");
        assertThat(single(primary, "SHOW work_mem")).isEqualTo(before);
    }

    @Test
    void backendParameterReachesNewSessionsWithoutARestart(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        String started = startTime(standby);
        String before = single(standby, "SHOW log_disconnections");
        String other = "on".equals(before) ? "off" : "on";

        cluster.set(standby, "log_disconnections", other);
        assertThat(single(standby, "SHOW log_disconnections")).as("a new session").isEqualTo(other);
        assertThat(startTime(standby)).isEqualTo(started);

        cluster.reset(standby, "log_disconnections");
        assertThat(single(standby, "SHOW log_disconnections")).isEqualTo(before);
    }

    @Test
    void postmasterParameterRestartsAStandbyWhichStreamsAgain(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(1);
        String started = startTime(standby);
        String before = single(standby, "SHOW shared_buffers");

        cluster.set(standby, "shared_buffers", "32MB");
        assertThat(single(standby, "SHOW shared_buffers")).isEqualTo("32MB");
        assertThat(single(standby, "SELECT pending_restart FROM pg_settings WHERE name = 'shared_buffers'")).isEqualTo("f");
        String restarted = startTime(standby);
        assertThat(restarted).as("restarted").isNotEqualTo(started);
        awaitStreamingFrom(cluster.primary(), "standby-0:streaming,standby-1:streaming");
        replicates(cluster, "after_restart");

        cluster.reset(standby, "shared_buffers");
        assertThat(single(standby, "SHOW shared_buffers")).isEqualTo(before);
        assertThat(startTime(standby)).as("restarted again").isNotEqualTo(restarted);
    }

    @Test
    void postmasterParameterRestartsThePrimaryAndItsStandbysStreamAgain(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        String started = startTime(primary);
        String before = single(primary, "SHOW shared_buffers");

        cluster.set(primary, "shared_buffers", "48MB");
        assertThat(single(primary, "SHOW shared_buffers")).isEqualTo("48MB");
        assertThat(startTime(primary)).as("restarted").isNotEqualTo(started);
        assertThat(Sql.streamingFrom(primary)).as("set() returns once its standbys stream again")
                .isEqualTo("standby-0:streaming,standby-1:streaming");

        String restarted = startTime(primary);
        cluster.set(primary, "shared_buffers", "48MB");
        assertThat(startTime(primary)).as("the same value again needs no restart").isEqualTo(restarted);

        cluster.reset(primary, "shared_buffers");
        assertThat(single(primary, "SHOW shared_buffers")).isEqualTo(before);
        assertThat(Sql.streamingFrom(primary)).isEqualTo("standby-0:streaming,standby-1:streaming");
    }

    @Test
    void aValueTheServerCannotStartWithIsUndone(PostgresCluster cluster) throws Exception {
        assumeTrue(cluster.spec().backend() == Backend.LOCAL, "a container ends with its server (and its data with it),"
                + " so only the local backend can bring a node back that does not start");
        PostgresNode standby = cluster.standby(1);
        String before = single(standby, "SHOW shared_preload_libraries");

        assertThatThrownBy(() -> cluster.set(standby, "shared_preload_libraries", "no_such_library"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("set(standby-1, shared_preload_libraries): standby-1 did not start with"
                        + " shared_preload_libraries = 'no_such_library', so its postgresql.auto.conf was restored and it runs as before; ");
        assertThat(single(standby, "SHOW shared_preload_libraries")).isEqualTo(before);
        assertThat(single(standby, "SELECT count(*) FROM pg_file_settings WHERE name = 'shared_preload_libraries'"
                + " AND sourcefile LIKE '%postgresql.auto.conf'")).isEqualTo("0");
        awaitStreamingFrom(cluster.primary(), "standby-0:streaming,standby-1:streaming");
    }

    @Test
    void unknownNamesAreRefusedWithTheNearestOnes(PostgresCluster cluster) {
        assertThatThrownBy(() -> cluster.set(cluster.primary(), "work_men", "8MB"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("set(primary, work_men): \"work_men\" is not a parameter of PostgreSQL ")
                .hasMessageEndingWith("; did you mean \"work_mem\"?");
        assertThatThrownBy(() -> cluster.reset(cluster.standby(0), "shared_bufers"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("reset(standby-0, shared_bufers): \"shared_bufers\" is not a parameter of PostgreSQL ")
                .hasMessageEndingWith("; did you mean \"shared_buffers\"?");
    }

    @Test
    void libraryOwnedReadOnlyAndInvalidSettingsAreRefused(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        assertThatThrownBy(() -> cluster.set(cluster.primary(), "port", "5433"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("set(primary, port): port is hotstandby's own: each node gets a free port of its own;"
                        + " read it from PostgresNode.port(); set() does not change it");
        assertThatThrownBy(() -> cluster.set(standby, "primary_conninfo", "host=elsewhere"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("set(standby-0, primary_conninfo): primary_conninfo is hotstandby's own: the topology decides"
                        + " whom a standby streams from: use upstreams = {...}; set() does not change it");
        assertThatThrownBy(() -> cluster.set(cluster.primary(), "synchronous_standby_names", "*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use synchronous = true and quorum");
        assertThatThrownBy(() -> cluster.set(standby, "server_version", "99"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("set(standby-0, server_version): server_version is read-only (context internal: fixed when"
                        + " PostgreSQL was built or initdb ran)");
        assertThatThrownBy(() -> cluster.set(standby, "work_mem", "lots"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("set(standby-0, work_mem): standby-0 refused ALTER SYSTEM SET work_mem = 'lots': ");
        assertThat(single(standby, "SELECT count(*) FROM pg_file_settings WHERE name = 'work_mem'"
                + " AND sourcefile LIKE '%postgresql.auto.conf'")).as("nothing written").isEqualTo("0");

        cluster.stop(standby);
        try {
            assertThatThrownBy(() -> cluster.set(standby, "work_mem", "8MB")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("set(standby-0): standby-0 is stopped; start() it first");
        } finally {
            cluster.start(standby);
        }
    }

    private static void replicates(PostgresCluster cluster, String table) throws Exception {
        execute(cluster.primary(), "CREATE TABLE " + table + " (val int)", "INSERT INTO " + table + " VALUES (1)");
        cluster.awaitReplication(PATIENCE);
        for (PostgresNode standby : cluster.standbys()) {
            assertThat(count(standby, table)).as(standby.name()).isEqualTo(1);
        }
    }

    /** pg_settings.setting, on a new connection. */
    private static String setting(PostgresNode node, String name) throws SQLException {
        return single(node, "SELECT setting FROM pg_settings WHERE name = '" + name + "'");
    }

    private static String startTime(PostgresNode node) throws SQLException {
        return single(node, "SELECT pg_postmaster_start_time()::text");
    }
}
