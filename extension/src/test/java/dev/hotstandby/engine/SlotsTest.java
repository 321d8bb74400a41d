package dev.hotstandby.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A standby made by a base backup asks its upstream first for WAL from the backup's end; a start
 * slot keeps that WAL through the checkpoints the next standby's backup forces, and goes once the
 * start contract holds. Checked on a real primary: the segment a slot reserves, after WAL switches
 * and checkpoints, is in pg_wal while the slot is there and recycled once it is released.
 */
class SlotsTest {
    private static PostgresCluster cluster;
    private static BackendNode primary;

    @BeforeAll
    static void start() {
        cluster = PostgresCluster.builder().backend(Backend.LOCAL).standbys(1).describedAs("SlotsTest").start();
        primary = queriedThrough(cluster.primary().superuserDataSource());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aStartSlotKeepsTheBackupsWalThroughCheckpointsUntilReleased() {
        new Slots(false).reserveForBaseBackup(primary, named("standby-7"));
        String reserved = Sql.single(primary, "SELECT pg_walfile_name(restart_lsn) FROM pg_replication_slots"
                + " WHERE slot_name = 'hotstandby_start_standby_7'");
        assertThat(reserved).as("the start slot reserves WAL at once").isNotNull();

        moveWalOnAndCheckpoint();
        assertThat(inPgWal(reserved)).as(reserved + " kept by the start slot").isTrue();

        Slots.releaseStartSlots(List.of(primary));
        assertThat(Sql.single(primary, "SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
        moveWalOnAndCheckpoint();
        assertThat(inPgWal(reserved)).as(reserved + " recycled once nothing keeps it (the race the slot closes)").isFalse();
    }

    @Test
    void declaredSlotsAreReservedUnderTheirOwnNameAndOutliveTheStart() {
        Slots declared = new Slots(true);
        declared.reserveForBaseBackup(primary, named("standby-8"));
        Slots.releaseStartSlots(List.of(primary));

        assertThat(Sql.single(primary, "SELECT string_agg(slot_name, ',') FROM pg_replication_slots")).isEqualTo("standby_8");
        Sql.single(primary, "SELECT pg_drop_replication_slot('standby_8')");
    }

    @Test
    void noStartSlotWhenTheSettingsLeaveNoSlotFree() {
        int free = Integer.parseInt(Sql.single(primary, "SELECT current_setting('max_replication_slots')"));
        for (int i = 0; i < free; i++) {
            Sql.single(primary, "SELECT count(pg_create_physical_replication_slot('taken_" + i + "'))");
        }
        try {
            new Slots(false).reserveForBaseBackup(primary, named("standby-9"));

            assertThat(Sql.single(primary, "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'hotstandby%'"))
                    .isEqualTo("0");
        } finally {
            Sql.single(primary, "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots");
        }
    }

    /** Writes, switches to a new segment and checkpoints, three times: older unreserved segments go. */
    private static void moveWalOnAndCheckpoint() {
        for (int i = 0; i < 3; i++) {
            Sql.single(primary, "CREATE TABLE IF NOT EXISTS wal_filler (n int); INSERT INTO wal_filler SELECT generate_series(1, 1000)");
            Sql.single(primary, "SELECT pg_switch_wal()");
            Sql.single(primary, "CHECKPOINT");
        }
    }

    private static boolean inPgWal(String segment) {
        return "1".equals(Sql.single(primary, "SELECT count(*) FROM pg_ls_waldir() WHERE name = " + Sql.literal(segment)));
    }

    /** Only a name: the slot's owner. */
    private static BackendNode named(String name) {
        return node(name, null);
    }

    private static BackendNode queriedThrough(DataSource dataSource) {
        return node("primary", dataSource);
    }

    /** The two methods {@link Sql} and {@link Slots} use; anything else is not for this test. */
    private static BackendNode node(String name, DataSource dataSource) {
        return (BackendNode) Proxy.newProxyInstance(BackendNode.class.getClassLoader(), new Class<?>[] {BackendNode.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name", "toString" -> name;
                    case "query" -> firstColumn(dataSource, (String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static String firstColumn(DataSource dataSource, String sql) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            boolean rows = statement.execute(sql);
            while (!rows && statement.getUpdateCount() != -1) {
                rows = statement.getMoreResults();
            }
            if (!rows) {
                return null;
            }
            try (ResultSet result = statement.getResultSet()) {
                return result.next() ? result.getString(1) : null;
            }
        }
    }
}
