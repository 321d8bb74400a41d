package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;

/**
 * Logical decoding on a standby (PostgreSQL 16+): a slot created on the standby streams the
 * primary's changes, so a CDC consumer can read from a replica and leave the primary alone.
 */
@EnabledIf(value = "majorDecodesOnStandbys", disabledReason = "decoding on a standby needs PostgreSQL 16 or newer")
@PostgresStandbyCluster(shared = true, logical = true)
class DecodingOnAStandbyTest {

    /** Asked before the cluster starts, so a run on an older major skips without starting one. */
    static boolean majorDecodesOnStandbys() {
        return PostgresCluster.builder().spec().major() >= 16;
    }

    @Test
    void aSlotOnTheStandbyStreamsThePrimarysChanges(PostgresCluster cluster, @Primary PostgresNode primary,
                                                    @Standby(0) PostgresNode standby) throws Exception {
        try (Connection connection = primary.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE readings (sensor text, value int)");
        }
        cluster.awaitReplication();
        // the creation waits for a snapshot of the primary's running transactions; the cluster logs one there
        cluster.createLogicalSlot(standby, "replica_cdc", "test_decoding");

        try (Connection connection = primary.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO readings VALUES ('north', 12), ('south', 17)");
        }

        List<String> changes = new ArrayList<>();
        try (Connection replication = CdcConsumerSurvivesFailoverTest.replicationConnection(standby.jdbcUrl(),
                standby.username(), standby.password());
             PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                     .logical().withSlotName("replica_cdc").withSlotOption("include-xids", false)
                     .withStatusInterval(10, TimeUnit.MILLISECONDS).start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (changes.stream().noneMatch(change -> change.startsWith("COMMIT"))) {
                assertTrue(System.nanoTime() < deadline, "changes so far: " + changes);
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    Thread.sleep(1);
                    continue;
                }
                changes.add(StandardCharsets.UTF_8.decode(message).toString());
                stream.setFlushedLSN(stream.getLastReceiveLSN());
                stream.setAppliedLSN(stream.getLastReceiveLSN());
            }
        }
        assertEquals(List.of("BEGIN",
                "table public.readings: INSERT: sensor[text]:'north' value[integer]:12",
                "table public.readings: INSERT: sensor[text]:'south' value[integer]:17",
                "COMMIT"), changes.subList(changes.size() - 4, changes.size()));
    }
}
