package dev.hotstandby.conformance;

import dev.hotstandby.PostgresNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

/**
 * A consumer on pgjdbc's logical replication API ({@link PGReplicationStream}), as an application
 * would write one: a replication connection to a node, a stream from a slot, every message
 * acknowledged once read. Public API only.
 */
final class Decoding implements AutoCloseable {
    private final Connection connection;
    private final PGReplicationStream stream;

    private Decoding(Connection connection, PGReplicationStream stream) {
        this.connection = connection;
        this.stream = stream;
    }

    /** A replication connection to {@code node} as its user, in its database. */
    static Connection replicationConnection(PostgresNode node) throws SQLException {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, node.username());
        PGProperty.PASSWORD.set(properties, node.password());
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        return DriverManager.getConnection(node.jdbcUrl(), properties);
    }

    /** test_decoding's text changes from {@code slot} on {@code node}. */
    static Decoding testDecoding(PostgresNode node, String slot) throws SQLException {
        return open(node, slot, builder -> builder.withSlotOption("include-xids", false));
    }

    /** pgoutput's binary messages for {@code publication}. */
    static Decoding pgoutput(PostgresNode node, String slot, String publication) throws SQLException {
        return open(node, slot, builder -> builder.withSlotOption("proto_version", 1)
                .withSlotOption("publication_names", publication));
    }

    private static Decoding open(PostgresNode node, String slot,
                                 java.util.function.UnaryOperator<ChainedLogicalStreamBuilder> options) throws SQLException {
        Connection connection = replicationConnection(node);
        try {
            ChainedLogicalStreamBuilder builder = connection.unwrap(PGConnection.class).getReplicationAPI()
                    .replicationStream().logical().withSlotName(slot).withStatusInterval(10, TimeUnit.MILLISECONDS);
            return new Decoding(connection, options.apply(builder).start());
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Reads and acknowledges messages until {@code done} holds for what was read, at most {@code limit}. */
    List<ByteBuffer> readUntil(Predicate<List<ByteBuffer>> done, Duration limit) throws SQLException {
        List<ByteBuffer> read = new ArrayList<>();
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.test(read)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": the stream gave " + read.size() + " message(s): "
                        + read.stream().map(Decoding::text).toList());
            }
            ByteBuffer message = stream.readPending();
            if (message == null) {
                acknowledge();
                sleepBriefly();
                continue;
            }
            ByteBuffer copy = ByteBuffer.allocate(message.remaining());
            copy.put(message.duplicate()).flip();
            read.add(copy);
            acknowledge();
        }
        return read;
    }

    /** Reads test_decoding text lines until one contains {@code marker}. */
    List<String> readTextUntil(String marker, Duration limit) throws SQLException {
        return readUntil(messages -> messages.stream().map(Decoding::text).anyMatch(line -> line.contains(marker)), limit)
                .stream().map(Decoding::text).toList();
    }

    /** Keeps reading and acknowledging for {@code duration}: a consumer that has caught up. */
    void acknowledgeFor(Duration duration) throws SQLException {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            if (stream.readPending() == null) {
                sleepBriefly();
            }
            acknowledge();
        }
    }

    /** Applied and flushed up to what was received, as a consumer that processed it says. */
    void acknowledge() throws SQLException {
        LogSequenceNumber received = stream.getLastReceiveLSN();
        stream.setAppliedLSN(received);
        stream.setFlushedLSN(received);
        stream.forceUpdateStatus();
    }

    LogSequenceNumber lastReceived() {
        return stream.getLastReceiveLSN();
    }

    static String text(ByteBuffer message) {
        return StandardCharsets.UTF_8.decode(message.duplicate()).toString();
    }

    /** pgoutput's message type: 'B'egin, 'I'nsert, 'C'ommit, 'R'elation, ... */
    static char type(ByteBuffer message) {
        return (char) message.get(message.position());
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            stream.close();
        } finally {
            connection.close();
        }
    }
}
