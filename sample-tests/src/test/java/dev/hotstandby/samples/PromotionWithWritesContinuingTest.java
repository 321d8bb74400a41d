package dev.hotstandby.samples;

import static dev.hotstandby.samples.Sql.execute;
import static dev.hotstandby.samples.Sql.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The primary crashes and one of two standbys is promoted: the promoted node takes writes at once,
 * and the other standby follows it onto its new timeline (timeline 2) and keeps receiving rows.
 */
@PostgresStandbyCluster(shared = true, standbys = 2)
class PromotionWithWritesContinuingTest {

    @Test
    void promotedStandbyTakesWritesAndTheOtherStandbyFollowsIt(PostgresCluster cluster) throws Exception {
        PostgresNode crashed = cluster.primary();
        execute(crashed.dataSource(), "CREATE TABLE payments (id int PRIMARY KEY, amount int NOT NULL)");
        execute(crashed.dataSource(), "INSERT INTO payments SELECT g, g * 10 FROM generate_series(1, 10) g");
        cluster.awaitReplication();   // both standbys have every row before the crash

        cluster.kill(crashed);
        PostgresNode promoted = cluster.promote(cluster.standby(0));

        // standby(i) counts the *current* standbys: standby-0 is now the primary, so the one left,
        // standby-1, is standby(0) from here on.
        assertEquals("standby-0", promoted.name());
        assertSame(promoted, cluster.primary());
        PostgresNode follower = cluster.standby(0);
        assertEquals("standby-1", follower.name());
        assertEquals(List.of(follower), cluster.standbys());

        // The promoted node accepts writes straight away.
        execute(promoted.dataSource(), "INSERT INTO payments SELECT g, g * 10 FROM generate_series(11, 20) g");
        assertEquals("20", query(promoted.dataSource(), "SELECT count(*) FROM payments"));

        cluster.awaitReplication();   // now waits for standby-1 against the new primary

        // Promotion started timeline 2; the follower's WAL receiver is on it, streaming from standby-0.
        assertEquals("2", query(follower.dataSource(), "SELECT received_tli FROM pg_stat_wal_receiver"));
        assertEquals("standby-1:streaming", query(promoted.dataSource(),
                "SELECT string_agg(application_name || ':' || state, ',') FROM pg_stat_replication"));
        // ... and it has the rows written after the promotion.
        assertEquals("20", query(follower.dataSource(), "SELECT count(*) FROM payments"));
        assertEquals("2100", query(follower.dataSource(), "SELECT sum(amount) FROM payments"));
    }
}
