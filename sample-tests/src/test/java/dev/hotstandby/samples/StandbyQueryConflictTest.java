package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A long report on a standby against VACUUM on the primary. The report's snapshot still sees rows
 * the primary has deleted; once VACUUM removes them there, the standby must either wait before it
 * replays that removal or cancel the report. With {@code max_standby_streaming_delay = 0} it cancels
 * at once: SQLState 40001, "terminating connection due to conflict with recovery". With
 * {@code hot_standby_feedback = on} the standby tells the primary which rows its queries still
 * need, VACUUM keeps them, and the report completes.
 *
 * <p>Each nested class has a cluster of its own, with its own settings for the standbys.
 */
class StandbyQueryConflictTest {

    @Nested
    @PostgresStandbyCluster(shared = true, standbySettings = "max_standby_streaming_delay=0")
    class WithoutFeedback {

        @Test
        void theStandbyCancelsTheReportWhenVacuumRemovesRowsItStillSees(@Primary DataSource primary,
                                                                        @Standby Connection standby,
                                                                        PostgresCluster cluster) throws SQLException {
            createEvents(primary, cluster);
            startReport(standby);

            deleteHalfAndVacuum(primary, cluster);

            SQLException cancelled = assertThrows(SQLException.class,
                    () -> Sql.single(standby, "SELECT count(*) FROM events"));
            assertEquals("40001", cancelled.getSQLState(), cancelled.getMessage());
        }
    }

    @Nested
    @PostgresStandbyCluster(shared = true, standbySettings = {"max_standby_streaming_delay=0", "hot_standby_feedback=on"})
    class WithHotStandbyFeedback {

        @Test
        void theReportCompletesBecauseVacuumKeepsTheRowsTheStandbyNeeds(@Primary DataSource primary,
                                                                        @Standby Connection standby,
                                                                        PostgresCluster cluster) throws Exception {
            createEvents(primary, cluster);
            startReport(standby);
            awaitFeedbackFromTheStandby(primary);

            deleteHalfAndVacuum(primary, cluster);

            assertEquals("1000", Sql.single(standby, "SELECT count(*) FROM events"), "the report's snapshot");
            standby.commit();
            assertEquals("500", Sql.single(standby, "SELECT count(*) FROM events"), "a new snapshot");
        }

        /** The standby reports the oldest snapshot it needs: pg_stat_replication.backend_xmin on the primary. */
        private void awaitFeedbackFromTheStandby(DataSource primary) throws Exception {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (Sql.query(primary, "SELECT backend_xmin FROM pg_stat_replication") == null) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("the standby sent no hot standby feedback within 30 s");
                }
                Thread.sleep(10);
            }
        }
    }

    /** 1000 rows on the primary, replayed on the standby. */
    private static void createEvents(DataSource primary, PostgresCluster cluster) throws SQLException {
        Sql.execute(primary, "CREATE TABLE events (id int PRIMARY KEY, payload text)");
        Sql.execute(primary, "INSERT INTO events SELECT i, 'event ' || i FROM generate_series(1, 1000) i");
        cluster.awaitReplication();
    }

    /** The report: one REPEATABLE READ transaction, whose snapshot its first query takes. */
    private static void startReport(Connection standby) throws SQLException {
        standby.setAutoCommit(false);
        standby.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        assertEquals("1000", Sql.single(standby, "SELECT count(*) FROM events"));
    }

    /** Every second row deleted and removed by VACUUM on the primary, and that replayed on the standby. */
    private static void deleteHalfAndVacuum(DataSource primary, PostgresCluster cluster) throws SQLException {
        Sql.execute(primary, "DELETE FROM events WHERE id % 2 = 0");
        Sql.execute(primary, "VACUUM events");
        cluster.awaitReplication();
    }
}
