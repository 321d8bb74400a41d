package dev.hotstandby.conformance;

import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/**
 * Load for a test: one thread inserting ids 1, 2, 3 … into {@code table(id)}, one commit each, a
 * couple of milliseconds apart, bounded in rows so a stuck test cannot fill a disk.
 */
final class Writer implements AutoCloseable {
    private static final int MAX_ROWS = 30_000;
    private static final Duration PACE = Duration.ofMillis(2);

    private final AtomicInteger committed = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stopping;

    private Writer(PostgresNode primary, String table) {
        thread = new Thread(() -> write(primary, table), "writer into " + table);
        thread.setDaemon(true);
    }

    static Writer start(PostgresNode primary, String table) {
        Writer writer = new Writer(primary, table);
        writer.thread.start();
        return writer;
    }

    private void write(PostgresNode primary, String table) {
        try (Connection connection = primary.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (id) VALUES (?)")) {
            for (int id = 1; id <= MAX_ROWS && !stopping; id++) {
                insert.setInt(1, id);
                insert.executeUpdate();
                committed.set(id);
                Thread.sleep(PACE.toMillis());
            }
        } catch (SQLException | InterruptedException | RuntimeException e) {
            failure.set(e);
        }
    }

    /** The highest id whose commit has returned; every lower id is committed too. */
    int committed() {
        return committed.get();
    }

    /** Returns once {@code more} rows beyond what is committed now have been committed; returns that count. */
    int awaitMore(int more) {
        int target = committed() + more;
        Awaitility.await("writer commits up to id " + target).atMost(Sql.PATIENCE).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    if (failure.get() != null) {
                        throw new AssertionError("the writer failed", failure.get());
                    }
                    return committed() >= target;
                });
        return committed();
    }

    /** Stops writing and returns the number of committed rows; fails if the writer failed. */
    int stop() throws InterruptedException {
        stopping = true;
        thread.join(Sql.PATIENCE.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("the writer did not stop within " + Sql.PATIENCE + " after " + committed() + " rows");
        }
        if (failure.get() != null) {
            throw new AssertionError("the writer failed after " + committed() + " rows", failure.get());
        }
        return committed();
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(Sql.PATIENCE.toMillis());
    }
}
