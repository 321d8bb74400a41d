package dev.hotstandby.engine;

import java.util.Optional;

/**
 * How long a cluster lives: with its JVM (closed by its user or, at the latest, the JVM's shutdown
 * hook), or kept for reuse across runs ({@code hotstandby.reuse}) in a {@link ReuseEntry}: the end
 * of the JVM then only detaches it, and its watchdog removes it once idle for too long.
 */
public final class Lifetime {
    public static final Lifetime JVM = new Lifetime(null);

    private final ReuseEntry entry;

    private Lifetime(ReuseEntry entry) {
        this.entry = entry;
    }

    public static Lifetime reused(ReuseEntry entry) {
        return new Lifetime(entry);
    }

    /** The entry of a cluster kept for reuse; empty for one that lives with its JVM. */
    public Optional<ReuseEntry> reuse() {
        return Optional.ofNullable(entry);
    }
}
