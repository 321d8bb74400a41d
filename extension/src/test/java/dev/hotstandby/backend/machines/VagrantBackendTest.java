package dev.hotstandby.backend.machines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vagrant machines provisioned over SSH: streaming over the private network, the repository's
 * configs with the stock files beside them, a read-only standby, failover with pg_rewind, a
 * partition with iptables, WAL shipped with rsync.
 */
class VagrantBackendTest {

    @BeforeEach
    void vagrantCanRun() {
        VagrantAvailable.assumeVagrantCanRun();
    }

    @Test
    void standbyStreamsOverThePrivateNetworkFailsOverAndRejoinsByRewind() throws Exception {
        try (PostgresCluster cluster = VagrantAvailable.builder().standbys(1).archiving(true).start()) {
            PostgresNode primary = cluster.primary();
            PostgresNode standby = cluster.standby(0);
            assertThat(single(primary, "SELECT application_name || ' ' || state FROM pg_stat_replication"))
                    .isEqualTo("standby-0 streaming");
            String primaryAddress = single(primary, "SELECT split_part(current_setting('listen_addresses'), ',', 2)");
            assertThat(single(primary, "SELECT host(client_addr) FROM pg_stat_replication"))
                    .as("the standby streams over the private network").isEqualTo(
                            single(standby, "SELECT split_part(current_setting('listen_addresses'), ',', 2)"));
            assertThat(single(standby, "SELECT sender_host FROM pg_stat_wal_receiver")).isEqualTo(primaryAddress);
            assertThat(single(primary, "SELECT pg_read_file('postgresql.conf.stock') <> pg_read_file('postgresql.conf')"))
                    .as("the stock file is kept beside the edited one").isEqualTo("t");
            assertThat(single(primary, "SELECT current_setting('wal_log_hints')")).isEqualTo("on");

            execute(primary, "CREATE TABLE tab (val int)", "INSERT INTO tab VALUES (1)");
            cluster.awaitReplication();
            assertThat(single(standby, "SELECT val FROM tab")).isEqualTo("1");
            assertThatThrownBy(() -> execute(standby, "INSERT INTO tab VALUES (2)"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));

            // WAL shipped by rsync over SSH lands in the standby's own archive
            String segment = single(primary, "SELECT pg_walfile_name(pg_switch_wal())");
            dev.hotstandby.ReplicatedRow.on(standby).within(Duration.ofSeconds(30)).awaitValue(
                    "SELECT count(*) FROM pg_ls_dir('../archive') f WHERE f = ?", 1L, segment);

            // a partition with iptables: rows written meanwhile arrive only after reconnect
            cluster.disconnect(standby);
            execute(primary, "INSERT INTO tab VALUES (2)");
            Thread.sleep(500);
            assertThat(single(standby, "SELECT count(*) FROM tab")).isEqualTo("1");
            cluster.reconnect(standby);
            cluster.awaitReplication();
            assertThat(single(standby, "SELECT count(*) FROM tab")).isEqualTo("2");

            // failover, then the former primary back as a standby, rewound rather than re-copied
            cluster.kill(primary);
            cluster.promote(standby);
            execute(standby, "INSERT INTO tab VALUES (3)");
            cluster.rejoin(primary);
            cluster.awaitReplication();
            assertThat(single(primary, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(single(primary, "SELECT count(*) FROM tab")).isEqualTo("3");
            assertThat(single(primary, "SELECT pg_read_file('backup_label.old')"))
                    .as(() -> String.join("\n", primary.logTail(60))).contains("BACKUP METHOD: pg_rewind");
            assertThat(single(standby, "SELECT application_name || ' ' || state FROM pg_stat_replication"))
                    .isEqualTo("primary streaming");
        }
    }

    static String single(PostgresNode node, String sql) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    static void execute(PostgresNode node, String... statements) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
