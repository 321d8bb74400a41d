package dev.hotstandby.samples.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * docs/shared-clusters.md: two classes sharing one cluster. Compiled only, so that the docs cannot
 * drift from code that compiles (DocsShowCompiledCodeTest compares them); not run, since
 * SeedVerificationTest and FlywayMigrationTest share clusters in every run (Surefire runs classes
 * whose names end in Test, and no nested ones). An interface, so that its member classes are static
 * without saying so and read as the top-level classes they would be in a project.
 */
interface SharedClassesSnippet {

    // tag::shared-classes[]
    @PostgresStandbyCluster(standbys = 2, shared = true)
    class OrdersIT {
        @Test
        void placesAnOrder(@Primary Connection primary) throws SQLException {
            try (Statement statement = primary.createStatement()) {
                statement.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            }
        }
    }

    @PostgresStandbyCluster(standbys = 2, shared = true)   // equal annotation: the same cluster, in turn
    class InvoicesIT {
        @Test
        void startsFromTheDeclaredState(@Primary Connection primary) throws SQLException {
            try (Statement statement = primary.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT to_regclass('orders') IS NULL")) {
                rows.next();
                assertTrue(rows.getBoolean(1));   // refreshed before this class took it: no orders table
            }
        }
    }
    // end::shared-classes[]
}
