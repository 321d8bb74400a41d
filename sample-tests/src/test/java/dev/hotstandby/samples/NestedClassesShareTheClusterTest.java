package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@code @Nested} classes run against the cluster of their enclosing class. */
@PostgresStandbyCluster(shared = true)
class NestedClassesShareTheClusterTest {

    static PostgresCluster outerCluster;

    @BeforeAll
    static void createTable(@Primary Connection primary) throws Exception {
        try (Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE shared (val int)");
            statement.execute("INSERT INTO shared VALUES (7)");
        }
    }

    @Nested
    class ReadingOnTheStandby {

        @Test
        void seesWhatTheOuterClassWrote(@Standby Connection standby, PostgresCluster cluster) throws Exception {
            assertEquals(outerCluster.primary().port(), cluster.primary().port(), "same cluster");
            cluster.awaitReplication();
            assertEquals("7", Sql.single(standby, "SELECT val FROM shared"));
        }

        @Nested
        class EvenDeeper {

            @Test
            void stillTheSameCluster(PostgresCluster cluster) {
                assertEquals(outerCluster.standby(0).port(), cluster.standby(0).port());
            }
        }
    }
}
