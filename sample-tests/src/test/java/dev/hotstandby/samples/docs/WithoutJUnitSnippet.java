package dev.hotstandby.samples.docs;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.ReplicatedRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * docs/annotation-and-injection.md, "Without JUnit". Compiled only, so that the docs cannot drift
 * from code that compiles (DocsShowCompiledCodeTest compares them); not run: it asks for
 * PostgreSQL 17, which the samples' own runs would fetch for nothing the builder samples
 * (MajorUpgradeRehearsalTest, CdcConsumerSurvivesFailoverTest) do not already show.
 */
final class WithoutJUnitSnippet {

    private WithoutJUnitSnippet() {
    }

    static void withoutJUnit() throws SQLException {
        // tag::without-junit[]
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).version("17").start()) {
            try (Connection connection = cluster.primary().dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE orders (id int PRIMARY KEY)");
                statement.execute("INSERT INTO orders VALUES (1)");
            }
            ReplicatedRow.on(cluster.standby(1)).await("SELECT id FROM orders WHERE id = ?", 1);
        }
        // end::without-junit[]
    }
}
