package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server setting on every node: pg_stat_statements must be in shared_preload_libraries of each
 * server that tracks statements. The extension is created once on the primary (as the superuser);
 * the standby replays it and reports its own queries through the same view.
 */
@PostgresStandbyCluster(shared = true, settings = "shared_preload_libraries='pg_stat_statements'")
class PgStatStatementsTest {

    @BeforeAll
    static void createTheExtension(@Primary PostgresNode primary, PostgresCluster cluster) throws SQLException {
        Sql.execute(primary.superuserDataSource(), "CREATE EXTENSION pg_stat_statements");
        cluster.awaitReplication();
    }

    @Test
    void theStandbyTracksItsOwnStatements(@Standby Connection standby) throws SQLException {
        assertEquals("pg_stat_statements", Sql.single(standby, "SHOW shared_preload_libraries"));

        Sql.single(standby, "SELECT 'report of the day' AS standby_report");

        assertEquals("1", Sql.single(standby,
                "SELECT count(*) FROM pg_stat_statements WHERE query LIKE '%standby_report%' AND calls = 1"));
    }
}
