package dev.hotstandby.samples;

import static dev.hotstandby.samples.Sql.single;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes on every standby, with no waiting at all.
 *
 * <p>{@code synchronous = true} names every standby in {@code synchronous_standby_names} and sets
 * {@code synchronous_commit = remote_apply}: a commit on the primary returns only once every standby
 * has <em>applied</em> it. So a row is readable on any standby the moment {@code INSERT} returns —
 * no {@code awaitReplication()}, no polling. (With the default asynchronous replication the same
 * loop would fail now and then: a standby is usually, not always, that fast.)
 */
@PostgresStandbyCluster(shared = true, standbys = 2, synchronous = true)
class SynchronousReadYourWritesTest {

    @Test
    void everyCommitIsReadableOnBothStandbysTheMomentItReturns(@Primary Connection primary,
                                                               @Standby(0) Connection first,
                                                               @Standby(1) Connection second) throws Exception {
        try (Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE clicks (id int PRIMARY KEY)");
            for (int id = 1; id <= 100; id++) {
                statement.executeUpdate("INSERT INTO clicks VALUES (" + id + ")");

                // No wait here on purpose: the commit has already been applied on both standbys.
                String expected = String.valueOf(id);
                assertEquals(expected, single(first, "SELECT max(id) FROM clicks"), "standby-0 after insert " + id);
                assertEquals(expected, single(second, "SELECT max(id) FROM clicks"), "standby-1 after insert " + id);
            }
        }
        assertEquals("100", single(first, "SELECT count(*) FROM clicks"));
        assertEquals("100", single(second, "SELECT count(*) FROM clicks"));
    }

    @Test
    void thePrimaryReportsBothStandbysAsSynchronous(@Primary Connection primary) throws Exception {
        // sync_state is 'async' for an ordinary standby, 'sync' for one a commit waits for.
        assertEquals("standby-0:sync,standby-1:sync", single(primary,
                "SELECT string_agg(application_name || ':' || sync_state, ',' ORDER BY application_name)"
                        + " FROM pg_stat_replication WHERE state = 'streaming'"));
        assertEquals("remote_apply", single(primary, "SHOW synchronous_commit"));
    }
}
