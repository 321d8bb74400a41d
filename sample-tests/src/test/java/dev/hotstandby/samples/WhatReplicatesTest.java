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

/** Schema changes, a large transaction and sequences all reach the standby. */
@PostgresStandbyCluster(shared = true)
class WhatReplicatesTest {

    @Test
    void ddlReplicates(@Primary Connection primary, @Standby Connection standby, PostgresCluster cluster)
            throws Exception {
        try (Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE orders (id bigint primary key, note text)");
            statement.execute("ALTER TABLE orders ADD COLUMN total numeric(10, 2) NOT NULL DEFAULT 0");
            statement.execute("CREATE INDEX orders_total ON orders (total)");
        }
        cluster.awaitReplication();

        assertEquals("3", single(standby, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders'"));
        assertEquals("orders_total", single(standby, "SELECT indexname FROM pg_indexes WHERE indexname = 'orders_total'"));
    }

    @Test
    void largeTransactionReplicatesWhole(@Primary Connection primary, @Standby Connection standby,
                                         PostgresCluster cluster) throws Exception {
        try (Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE events (id int, payload text)");
            primary.setAutoCommit(false);
            statement.execute("INSERT INTO events SELECT g, repeat('x', 200) FROM generate_series(1, 200000) g");
            primary.commit();
            primary.setAutoCommit(true);
        }
        cluster.awaitReplication();

        assertEquals("200000", single(standby, "SELECT count(*) FROM events"));
        assertEquals("20000100000", single(standby, "SELECT sum(id) FROM events"));
    }

    @Test
    void sequenceReplicates(@Primary Connection primary, @Standby Connection standby, PostgresCluster cluster)
            throws Exception {
        try (Statement statement = primary.createStatement()) {
            statement.execute("CREATE SEQUENCE invoice_numbers START 1000");
            for (int i = 0; i < 5; i++) {
                statement.execute("SELECT nextval('invoice_numbers')");
            }
        }
        cluster.awaitReplication();

        assertEquals("1004", single(primary, "SELECT last_value FROM invoice_numbers"));
        // A standby sees the sequence's WAL-logged state: PostgreSQL logs sequences ahead (32 values),
        // so the standby's last_value is at least what the primary handed out.
        long onStandby = Long.parseLong(single(standby, "SELECT last_value FROM invoice_numbers"));
        assertEquals(true, onStandby >= 1004, "standby last_value " + onStandby + " should be at least 1004");
    }
}
