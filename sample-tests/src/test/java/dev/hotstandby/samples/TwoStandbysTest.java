package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two standbys stream from one primary, and both see what it commits. */
@PostgresStandbyCluster(shared = true, standbys = 2)
class TwoStandbysTest {

    @Test
    void bothStandbysStreamFromThePrimary(@Primary Connection primary) throws Exception {
        List<String> streaming = new ArrayList<>();
        try (Statement statement = primary.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1")) {
            while (rows.next()) {
                streaming.add(rows.getString(1));
            }
        }
        assertEquals(List.of("standby-0", "standby-1"), streaming);
    }

    @Test
    void bothStandbysSeeTheData(@Primary Connection primary, @Standby(0) Connection first,
                                @Standby(1) Connection second, PostgresCluster cluster) throws Exception {
        try (Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE tab (val int)");
            statement.execute("INSERT INTO tab VALUES (42)");
        }
        cluster.awaitReplication();

        assertEquals("42", Sql.single(first, "SELECT val FROM tab"));
        assertEquals("42", Sql.single(second, "SELECT val FROM tab"));
    }
}
