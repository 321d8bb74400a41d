package dev.hotstandby.samples;

// tag::flyway-migration[]
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schema migrations as the application runs them: Flyway against the injected primary, as the
 * application's role, from {@code src/test/resources/db/migration}; once replicated, the standby
 * has the migrated schema and Flyway's own history.
 */
@PostgresStandbyCluster(shared = true, database = "shop", username = "shop_app")
class FlywayMigrationTest {

    @BeforeAll
    static void migrate(@Primary DataSource primary, PostgresCluster cluster) {
        Flyway.configure().dataSource(primary).locations("classpath:db/migration").load().migrate();
        cluster.awaitReplication();
    }

    @Test
    void theStandbyHasTheMigratedSchema(@Standby Connection standby) throws SQLException {
        assertEquals("id,placed_at,status", Sql.single(standby, "SELECT string_agg(column_name, ',' ORDER BY ordinal_position)"
                + " FROM information_schema.columns WHERE table_name = 'orders'"));
        assertEquals("new", Sql.single(standby, "SELECT status FROM orders WHERE id = 1"));
    }

    @Test
    void theStandbyHasFlywaysHistoryToo(@Standby Connection standby) throws SQLException {
        assertEquals("1,2", Sql.single(standby, "SELECT string_agg(version, ',' ORDER BY installed_rank)"
                + " FROM flyway_schema_history WHERE success"));
        assertEquals("shop_app", Sql.single(standby, "SELECT DISTINCT installed_by FROM flyway_schema_history"));
    }
}
// end::flyway-migration[]
