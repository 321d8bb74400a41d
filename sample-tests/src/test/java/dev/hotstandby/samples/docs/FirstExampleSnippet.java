package dev.hotstandby.samples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The README's first example. Compiled only, so that the docs cannot drift from code that compiles
 * (DocsShowCompiledCodeTest compares them); not run, since SeedVerificationTest and TwoStandbysTest
 * already check what it does (Surefire runs classes whose names end in Test, and no nested ones). An
 * interface, so that its member class is static without saying so and reads as the top-level class
 * it would be in a project.
 */
interface FirstExampleSnippet {

    // tag::first-example[]
    @PostgresStandbyCluster(standbys = 2)
    class OrdersIT {
        @Test
        void readAfterWriteOnAStandby(@Primary DataSource primary, @Standby(1) Connection standby,
                                      PostgresCluster cluster) throws SQLException {
            try (Connection connection = primary.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE orders (id int PRIMARY KEY)");
                statement.execute("INSERT INTO orders VALUES (1)");
            }
            cluster.awaitReplication();   // every standby has replayed the primary's WAL position
            try (Statement statement = standby.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*) FROM orders")) {
                rows.next();
                assertEquals(1, rows.getInt(1));
            }
        }
    }
    // end::first-example[]
}
