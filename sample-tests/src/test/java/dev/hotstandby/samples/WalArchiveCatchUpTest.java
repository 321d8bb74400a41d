package dev.hotstandby.samples;

import static dev.hotstandby.samples.Sql.execute;
import static dev.hotstandby.samples.Sql.query;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A standby kept away for a while, without a replication slot, while the primary writes and
 * recycles the WAL the standby would need: streaming alone could no longer catch it up
 * ("requested WAL segment ... has already been removed"). With {@code archiving = true} the
 * primary archives every WAL segment and the standby restores the missing ones from the archive
 * ({@code restore_command}), then goes back to streaming.
 *
 * <p>Archiving needs PostgreSQL 12 or newer here. The check runs before the cluster starts (an
 * assumption inside a test would come too late: the annotation itself is rejected on 11), and it
 * reads the major the cluster will run, {@code -Dhotstandby.version} included.
 */
@PostgresStandbyCluster(shared = true, standbys = 1, archiving = true)
@EnabledIf(value = "archivingIsAvailable", disabledReason = "archiving = true needs PostgreSQL 12 or newer")
class WalArchiveCatchUpTest {

    static boolean archivingIsAvailable() {
        return PostgresCluster.builder().spec().major() >= 12;
    }

    @Test
    void standbyCatchesUpFromTheArchiveAfterThePrimaryRecycledItsWal(@Primary PostgresNode primary,
                                                                     @Standby PostgresNode standby,
                                                                     PostgresCluster cluster) throws Exception {
        execute(primary.dataSource(), "CREATE TABLE measurements (id int, payload text)");
        cluster.awaitReplication();

        // The segment holding the standby's replay position: it still needs the rest of that segment.
        // pg_walfile_name() fails during recovery, so the file name is computed on the primary.
        String replayed = query(standby.dataSource(), "SELECT pg_last_wal_replay_lsn()");
        String needed = query(primary.dataSource(), "SELECT pg_walfile_name('" + replayed + "')");

        cluster.stop(standby);

        // Write, switch to a new segment and checkpoint until the primary no longer has the needed
        // segment: a checkpoint removes or recycles only segments before the previous one that the
        // archiver has already stored, so how many rounds that takes depends on the archiver.
        try (Connection connection = primary.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            await("the primary removing or recycling " + needed + " (no slot holds it for the standby)")
                    .atMost(Duration.ofMinutes(2)).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        statement.execute("INSERT INTO measurements SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g");
                        statement.execute("SELECT pg_switch_wal()");
                        statement.execute("CHECKPOINT");
                        return "0".equals(query(primary.dataSource(),
                                "SELECT count(*) FROM pg_ls_waldir() WHERE name = '" + needed + "'"));
                    });
        }
        String written = query(primary.dataSource(), "SELECT count(*) FROM measurements");

        // Close the current segment too, and wait until the archiver has stored it: then the archive
        // holds everything the standby needs.
        String lastSegment = query(primary.dataSource(), "SELECT pg_walfile_name(pg_switch_wal())");
        ReplicatedRow.on(primary).within(Duration.ofSeconds(30))
                .awaitValue("SELECT last_archived_wal >= ? FROM pg_stat_archiver", true, lastSegment);

        cluster.start(standby);
        cluster.awaitReplication();

        assertEquals(written, query(standby.dataSource(), "SELECT count(*) FROM measurements"));
        String log = String.join("\n", standby.logTail(400));
        assertTrue(log.contains("restored log file"), "the standby restored WAL from the archive:\n" + log);
    }
}
