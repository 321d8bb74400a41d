package dev.hotstandby.samples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * docs/settings.md: a test's own server parameters, database, role and init script. Compiled only,
 * so that the docs cannot drift from code that compiles (DocsShowCompiledCodeTest compares them);
 * not run, since PgStatStatementsTest, StandbyQueryConflictTest and ApplicationRoleTest check each
 * of these attributes (Surefire runs classes whose names end in Test, and no nested ones). An
 * interface, so that its member class is static without saying so and reads as the top-level class
 * it would be in a project.
 */
interface ServerSettingsSnippet {

    // tag::server-settings[]
    @PostgresStandbyCluster(
            settings = "shared_preload_libraries='pg_stat_statements'",   // every node
            standbySettings = {"max_standby_streaming_delay=0", "hot_standby_feedback=on"},   // standbys only
            database = "shop", username = "shop_app", initScripts = "shop-schema.sql")
    class ShopIT {
        @Test
        void theStandbyHasTheProducts(@Standby Connection standby) throws SQLException {
            try (Statement statement = standby.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*) FROM products")) {
                rows.next();
                assertEquals(2, rows.getInt(1));
            }
        }
    }
    // end::server-settings[]
}
