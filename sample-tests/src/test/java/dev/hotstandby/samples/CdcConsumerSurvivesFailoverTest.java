package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * A change-data-capture consumer across a failover (PostgreSQL 17+): it reads a {@code failover = true}
 * slot through pgjdbc's replication API and acknowledges what it processed; writers keep committing;
 * the primary is killed and the standby, which had the slot synced, is promoted; the consumer
 * reconnects through {@code multiHostJdbcUrl()} with {@code targetServerType=primary} and resumes from
 * its last acknowledged LSN. Every committed row arrives at least once; what arrived twice is reported.
 * And the trap: a slot made with {@code failover = false} is not on the new primary at all.
 */
class CdcConsumerSurvivesFailoverTest {
    private static final Pattern INSERTED = Pattern.compile("table public\\.events: INSERT: id\\[integer\\]:(\\d+)");

    private static PostgresCluster.Builder cluster() {
        // synchronous: a commit the writer saw is on the standby, so the promotion loses no committed row
        return PostgresCluster.builder().standbys(1).logical(true).synchronous(true)
                .describedAs("CdcConsumerSurvivesFailoverTest");
    }

    private static void assumeFailoverSlots() {
        int major = cluster().spec().major();
        assumeTrue(major >= 17, "failover slots need PostgreSQL 17 or newer; this run uses " + major);
    }

    @Test
    void consumerResumesOnThePromotedStandbyAndSeesEveryCommittedRow() throws Exception {
        assumeFailoverSlots();
        try (PostgresCluster cluster = cluster().start()) {
            PostgresNode oldPrimary = cluster.primary();
            PostgresNode standby = cluster.standby(0);
            execute(oldPrimary, "CREATE TABLE events (id int PRIMARY KEY)");
            cluster.createLogicalSlot("cdc", "test_decoding", true);

            Consumer consumer = new Consumer(cluster.multiHostJdbcUrl() + "?targetServerType=primary&hostRecheckSeconds=0",
                    oldPrimary.username(), oldPrimary.password());
            Thread consuming = new Thread(consumer, "cdc-consumer");
            consuming.start();
            Set<Integer> committed = ConcurrentHashMap.newKeySet();
            AtomicInteger nextId = new AtomicInteger();
            Thread writer = new Thread(() -> writeUntilFailure(oldPrimary, nextId, committed), "writer");
            writer.start();

            consumer.awaitSeen(200, Duration.ofSeconds(30));
            cluster.awaitSlotSynced(standby, "cdc");   // the standby has the slot at least as far as now
            cluster.kill(oldPrimary);
            writer.join();
            cluster.promote(standby);
            for (int i = 0; i < 50; i++) {             // the application goes on writing on the new primary
                int id = nextId.incrementAndGet();
                execute(standby, "INSERT INTO events VALUES (" + id + ")");
                committed.add(id);
            }

            consumer.awaitAll(committed, Duration.ofSeconds(30));
            consumer.stop();
            consuming.join();
            assertTrue(consumer.reconnects.get() >= 1, "the consumer reconnected to the promoted standby");
            assertTrue(consumer.seen.keySet().containsAll(committed), "every committed row seen");
            Map<Integer, Integer> duplicates = new java.util.TreeMap<>();
            consumer.seen.forEach((id, times) -> {
                if (times.get() > 1) {
                    duplicates.put(id, times.get());
                }
            });
            System.out.println("[CdcConsumerSurvivesFailoverTest] " + committed.size() + " committed rows, all seen; "
                    + duplicates.size() + " delivered more than once (at-least-once across a failover): " + duplicates);
        }
    }

    @Test
    void withoutFailoverTheSlotIsGoneOnTheNewPrimary() throws Exception {
        assumeFailoverSlots();
        try (PostgresCluster cluster = cluster().start()) {
            PostgresNode oldPrimary = cluster.primary();
            PostgresNode standby = cluster.standby(0);
            execute(oldPrimary, "CREATE TABLE events (id int PRIMARY KEY)");
            cluster.createLogicalSlot("cdc", "test_decoding", false);
            execute(oldPrimary, "INSERT INTO events VALUES (1)");
            cluster.awaitReplication();

            cluster.kill(oldPrimary);
            cluster.promote(standby);

            assertEquals("0", query(standby, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'cdc'"),
                    "a slot without failover = true lived on the old primary only");
            // what the consumer sees when it reconnects to the new primary
            SQLException refused = assertThrows(SQLException.class, () -> {
                try (Connection connection = replicationConnection(standby.jdbcUrl(), standby.username(), standby.password())) {
                    connection.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                            .withSlotName("cdc").start();
                }
            });
            assertEquals("42704", refused.getSQLState(), refused.getMessage());
            assertTrue(refused.getMessage().contains("replication slot \"cdc\" does not exist"), refused.getMessage());
        }
    }

    /** Commits one row at a time until the primary goes; only what committed counts. */
    private static void writeUntilFailure(PostgresNode primary, AtomicInteger nextId, Set<Integer> committed) {
        try (Connection connection = primary.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            while (true) {
                int id = nextId.incrementAndGet();
                statement.execute("INSERT INTO events VALUES (" + id + ")");
                committed.add(id);
            }
        } catch (SQLException primaryGone) {
            // killed: the row in flight did not commit as far as the writer knows
        }
    }

    /**
     * Reads test_decoding changes, records each inserted id, and acknowledges what it has processed;
     * on a broken stream it reconnects (the multi-host URL finds the primary) from its last acknowledged LSN.
     */
    static final class Consumer implements Runnable {
        final Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
        final AtomicInteger reconnects = new AtomicInteger(-1);
        final List<String> errors = new CopyOnWriteArrayList<>();
        private final String url;
        private final String user;
        private final String password;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile LogSequenceNumber acknowledged = LogSequenceNumber.INVALID_LSN;

        Consumer(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        @Override
        public void run() {
            while (running.get()) {
                reconnects.incrementAndGet();
                try (Connection connection = replicationConnection(url, user, password);
                     PGReplicationStream stream = connection.unwrap(PGConnection.class).getReplicationAPI()
                             .replicationStream().logical().withSlotName("cdc").withStartPosition(acknowledged)
                             .withStatusInterval(10, TimeUnit.MILLISECONDS).start()) {
                    while (running.get()) {
                        ByteBuffer message = stream.readPending();
                        if (message == null) {
                            Thread.sleep(1);
                            continue;
                        }
                        Matcher insert = INSERTED.matcher(StandardCharsets.UTF_8.decode(message).toString());
                        if (insert.find()) {
                            seen.computeIfAbsent(Integer.parseInt(insert.group(1)), id -> new AtomicInteger()).incrementAndGet();
                        }
                        // processed: only now may the server forget it
                        acknowledged = stream.getLastReceiveLSN();
                        stream.setAppliedLSN(acknowledged);
                        stream.setFlushedLSN(acknowledged);
                    }
                } catch (SQLException brokenOrNoPrimaryYet) {
                    errors.add(brokenOrNoPrimaryYet.getMessage());
                    pause();
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }

        void awaitSeen(int rows, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (seen.size() < rows) {
                assertTrue(System.nanoTime() < deadline, "the consumer saw " + seen.size() + " rows; errors " + errors);
                Thread.sleep(5);
            }
        }

        void awaitAll(Set<Integer> committed, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (!seen.keySet().containsAll(committed)) {
                if (System.nanoTime() > deadline) {
                    Set<Integer> missing = new java.util.TreeSet<>(committed);
                    missing.removeAll(seen.keySet());
                    throw new AssertionError("not seen within " + limit + ": " + missing + "; consumer errors: " + errors);
                }
                Thread.sleep(5);
            }
        }

        void stop() {
            running.set(false);
        }

        private static void pause() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static Connection replicationConnection(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, user);
        PGProperty.PASSWORD.set(properties, password);
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        return DriverManager.getConnection(url, properties);
    }

    private static void execute(PostgresNode node, String sql) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String query(PostgresNode node, String sql) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement();
             var rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
