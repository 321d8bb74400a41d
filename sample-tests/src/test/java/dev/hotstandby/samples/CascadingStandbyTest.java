package dev.hotstandby.samples;

import static dev.hotstandby.samples.Sql.single;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Cascading replication: primary → standby-0 → standby-1. {@code upstreams = {-1, 0}} gives, per
 * standby, the index of the standby it streams from (-1: the primary). A cascade takes load off the
 * primary, which then streams to one standby however many hang below it.
 */
@PostgresStandbyCluster(shared = true, standbys = 2, upstreams = {-1, 0})
class CascadingStandbyTest {

    @Test
    void eachNodeStreamsOnlyToTheNextOneDown(@Primary Connection primary, @Standby(0) Connection middle) throws Exception {
        String streamingTo = "SELECT string_agg(application_name || ':' || state, ',') FROM pg_stat_replication";

        assertEquals("standby-0:streaming", single(primary, streamingTo), "the primary streams to standby-0 only");
        // A standby can be an upstream itself: standby-1 appears in standby-0's pg_stat_replication.
        assertEquals("standby-1:streaming", single(middle, streamingTo));
    }

    @Test
    void awaitReplicationWaitsThroughTheCascade(@Primary Connection primary, @Standby(1) Connection last,
                                                PostgresCluster cluster) throws Exception {
        try (Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE relayed (val int)");
            statement.execute("INSERT INTO relayed VALUES (7)");
        }

        // Returns only when standby-1, two hops away, has replayed the primary's position too.
        cluster.awaitReplication();

        assertEquals("7", single(last, "SELECT val FROM relayed"));
    }
}
