package dev.hotstandby;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits, with Awaitility, until a query finds a row on a node: the way to assert that something
 * written on the primary has reached a standby without guessing a sleep.
 *
 * <pre>{@code
 * ReplicatedRow.on(standby).inDatabase("sampledb").await("SELECT val FROM tab WHERE val = ?", 42);
 * ReplicatedRow.on(standby).within(Duration.ofSeconds(5)).awaitValue("SELECT count(*) FROM tab", 1000L);
 * }</pre>
 *
 * On timeout it fails with an {@link AssertionError} that says what was expected, what the query
 * last returned, how far the node had replayed and where the primary was.
 */
public final class ReplicatedRow {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Object NO_ROW = new Object();

    private final PostgresNode node;
    private final String database;
    private final Duration timeout;

    private ReplicatedRow(PostgresNode node, String database, Duration timeout) {
        this.node = node;
        this.database = database;
        this.timeout = timeout;
    }

    /** Waits on {@code node}, in the cluster's database (by default {@code postgres}), for at most 10 seconds. */
    public static ReplicatedRow on(PostgresNode node) {
        return new ReplicatedRow(node, node.database(), DEFAULT_TIMEOUT);
    }

    public ReplicatedRow inDatabase(String database) {
        return new ReplicatedRow(node, database, timeout);
    }

    public ReplicatedRow within(Duration timeout) {
        return new ReplicatedRow(node, database, timeout);
    }

    /** Returns the first column of the first row once the query returns a row. */
    public Object await(String sql, Object... parameters) {
        return poll(sql, parameters, null, "a row");
    }

    /**
     * Returns once the first column of the query's first row equals {@code expected}; numbers compare
     * by value, so {@code 1} matches the {@code Long} that {@code count(*)} returns.
     */
    public Object awaitValue(String sql, Object expected, Object... parameters) {
        return poll(sql, parameters, expected, "the value " + expected);
    }

    private Object poll(String sql, Object[] parameters, Object expected, String expectation) {
        AtomicReference<Object> last = new AtomicReference<>(NO_ROW);
        try (Connection connection = node.dataSource(database).getConnection()) {
            return Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                    .pollInSameThread().ignoreExceptions()
                    .until(() -> {
                        last.set(firstValue(connection, sql, parameters));
                        return last.get();
                    }, found -> found != NO_ROW && (expected == null || sameValue(found, expected)));
        } catch (ConditionTimeoutException | SQLException failed) {
            throw new AssertionError(node.name() + ": expected " + expectation + " from [" + sql + "]"
                    + (parameters.length == 0 ? "" : " with parameters " + Arrays.toString(parameters))
                    + " in database " + database + " within " + timeout + ", but the query "
                    + (last.get() == NO_ROW ? "returned no row" : "last returned " + describe(last.get(), expected))
                    + ". " + node.replicationState(), failed);
        }
    }

    /**
     * Whether a value the query returned is the one expected: numbers of any types by numeric value
     * (JDBC returns int4 as Integer, count(*) as Long, numeric as BigDecimal), anything else by equals.
     */
    static boolean sameValue(Object found, Object expected) {
        if (found instanceof Number number && expected instanceof Number wanted) {
            BigDecimal left = decimal(number);
            BigDecimal right = decimal(wanted);
            return left == null || right == null ? Double.compare(number.doubleValue(), wanted.doubleValue()) == 0
                    : left.compareTo(right) == 0;
        }
        return Objects.equals(found, expected);
    }

    /** The exact value of a number, or null for NaN and infinities (which compare as doubles). */
    private static BigDecimal decimal(Number number) {
        if (number instanceof BigDecimal exact) {
            return exact;
        }
        if ((number instanceof Double || number instanceof Float) && !Double.isFinite(number.doubleValue())) {
            return null;
        }
        try {
            return new BigDecimal(number.toString());
        } catch (NumberFormatException notDecimal) {
            return BigDecimal.valueOf(number.doubleValue());
        }
    }

    /** The value, with both types named when they differ and are not both numbers: "1" is not 1. */
    static String describe(Object found, Object expected) {
        boolean bothNumbers = found instanceof Number && expected instanceof Number;
        if (found == null || expected == null || bothNumbers || found.getClass() == expected.getClass()) {
            return String.valueOf(found);
        }
        return found + " (a " + found.getClass().getName() + ", where the expected " + expected + " is a "
                + expected.getClass().getName() + ")";
    }

    private static Object firstValue(Connection connection, String sql, Object[] parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getObject(1) : NO_ROW;
            }
        }
    }
}
