package dev.hotstandby.engine;

import dev.hotstandby.ClusterStartException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The engine's one way of waiting for a server: Awaitility, polling every millisecond in the
 * calling thread (a promotion or a catch-up on loopback takes a few milliseconds; 100 ms steps
 * would dominate). A timeout says what was awaited, for how long, and the state it last saw.
 */
public final class Waits {
    private static final Duration POLL = Duration.ofMillis(1);

    private Waits() {
    }

    /** What a poll reads; an {@link SQLException} (a server not up yet) counts as "not yet". */
    @FunctionalInterface
    public interface Probe {
        boolean holds() throws SQLException;
    }

    /**
     * Returns once {@code probe} holds.
     *
     * @param what  the awaited state, as a message's subject: "standby-0 streams from primary"
     * @param state what the message shows on timeout: the rows or positions that were waited on
     * @throws ClusterStartException after {@code timeout}
     */
    public static void until(String what, Duration timeout, Probe probe, Supplier<String> state) {
        until(what, timeout, probe, state, ClusterStartException::new);
    }

    /** As above, failing with the exception {@code failure} makes of the message. */
    public static void until(String what, Duration timeout, Probe probe, Supplier<String> state,
                             Function<String, ? extends RuntimeException> failure) {
        AtomicReference<SQLException> lastError = new AtomicReference<>();
        try {
            Awaitility.await(what).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(POLL).atMost(timeout)
                    .until(() -> {
                        try {
                            return probe.holds();
                        } catch (SQLException notYet) {
                            lastError.set(notYet);
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException timedOut) {
            SQLException error = lastError.get();
            throw failure.apply("not within " + timeout + ": " + what + "; " + safely(state)
                    + (error == null ? "" : " (last error: " + error.getMessage() + ")"));
        }
    }

    /** What is left of a deadline taken from {@link System#nanoTime()}, never less than 1 ms (Awaitility needs a bound). */
    public static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private static String safely(Supplier<String> state) {
        try {
            return state.get();
        } catch (RuntimeException unavailable) {
            return "state unavailable: " + unavailable.getMessage();
        }
    }
}
