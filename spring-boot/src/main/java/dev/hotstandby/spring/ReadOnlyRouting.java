package dev.hotstandby.spring;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.ApplicationContext;

/**
 * The stale-read mode's routing of Boot's DataSource, as bean {@code hotstandbyReadOnlyRouting} (present
 * while {@code hotstandby.read-only-routing} names a standby): how many transactions reached the
 * standby and the primary since the current test began, so a test can assert that a service method
 * really read from the replica. A transaction is counted when it takes its connection, at its first
 * statement; work outside a transaction counts as one per connection.
 */
public final class ReadOnlyRouting {
    static final String BEAN = "hotstandbyReadOnlyRouting";

    private final StaleReadMode mode;
    private final String standbyName;
    private final AtomicLong standby = new AtomicLong();
    private final AtomicLong primary = new AtomicLong();

    ReadOnlyRouting(StaleReadMode mode, String standbyName) {
        this.mode = mode;
        this.standbyName = standbyName;
    }

    static Optional<ReadOnlyRouting> of(ApplicationContext context) {
        return context.containsBean(BEAN) ? Optional.of(context.getBean(BEAN, ReadOnlyRouting.class)) : Optional.empty();
    }

    /** Read-only transactions that ran on the standby since the test began (or {@link #clear()}). */
    public long standbyTransactions() {
        return standby.get();
    }

    /** Every other transaction, on the primary, since the test began (or {@link #clear()}). */
    public long primaryTransactions() {
        return primary.get();
    }

    /** Starts both counts again from 0; done before each test. */
    public void clear() {
        standby.set(0);
        primary.set(0);
    }

    void countStandby() {
        standby.incrementAndGet();
    }

    void countPrimary() {
        primary.incrementAndGet();
    }

    /** Why a failed test may have failed: present when read-only transactions of it ran on the standby. */
    Optional<StaleReadHint> hint() {
        long onStandby = standbyTransactions();
        if (onStandby == 0) {
            return Optional.empty();
        }
        return Optional.of(new StaleReadHint(onStandby + " read-only transaction(s) of this test ran on " + standbyName
                + ", which replays " + mode.lag().toMillis() + " ms behind the primary (" + mode.settings()
                + "): a read of this test's own writes may have missed them"));
    }

    @Override
    public String toString() {
        return "read-only transactions on " + standbyName + " (" + mode.settings() + "): " + standbyTransactions()
                + " on the standby, " + primaryTransactions() + " on the primary";
    }
}
