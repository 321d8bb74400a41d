package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Handles injected into static and instance fields instead of parameters. */
@PostgresStandbyCluster(shared = true)
class FieldInjectionTest {

    @Primary
    static DataSource primaryDataSource;

    static PostgresCluster cluster;

    @Standby
    PostgresNode standby;

    /** A fresh connection for every test, closed after it. */
    @Standby
    Connection standbyConnection;

    @BeforeAll
    static void createSchema() throws Exception {
        try (Connection connection = primaryDataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE visits (page text)");
            statement.execute("INSERT INTO visits VALUES ('/home')");
        }
        cluster.awaitReplication();
    }

    @Test
    void fieldsPointAtTheRightNodes() {
        assertEquals(cluster.standby(0).port(), standby.port());
        assertNotEquals(cluster.primary().port(), standby.port());
        assertFalse(standby.isPrimary());
    }

    @Test
    void connectionFieldReadsFromTheStandby() throws Exception {
        assertEquals("/home", Sql.single(standbyConnection, "SELECT page FROM visits"));
        assertEquals("t", Sql.single(standbyConnection, "SELECT pg_is_in_recovery()"));
    }
}
