package dev.hotstandby.engine;

/**
 * Timestamps of the start-up phases, for finding where a first cluster's time goes: with
 * {@code -Dhotstandby.traceStartup=true} each phase prints one line to stderr,
 * {@code hotstandby-trace <System.nanoTime()> <thread> <phase>}; the fresh-JVM benchmark reads them.
 * Off by default, and then costs one boolean test per phase.
 */
public final class StartupTrace {
    public static final String PROPERTY = "hotstandby.traceStartup";
    public static final String PREFIX = "hotstandby-trace ";
    private static final boolean ON = Boolean.getBoolean(PROPERTY);

    private StartupTrace() {
    }

    /** Marks the end of a phase: the line's time is when it finished. */
    public static void mark(String phase) {
        if (ON) {
            System.err.println(PREFIX + System.nanoTime() + " " + Thread.currentThread().getName() + " " + phase);
        }
    }
}
