package dev.hotstandby.junit;

/**
 * When a {@link PostgresStandbyCluster}'s data directories and server logs are removed, as JUnit's
 * {@code @TempDir} cleanup mode: decided when the class's cluster is closed. Whatever is kept is
 * printed ({@code data directories and server logs kept in ...}).
 */
public enum CleanupMode {
    /** The configuration parameter or system property {@code hotstandby.cleanup}, else {@link #ON_SUCCESS}. */
    DEFAULT,
    /** Always removed, even after a failed test. */
    ALWAYS,
    /** Removed unless a test or lifecycle method failed; an aborted test (failed assumption) is no failure. */
    ON_SUCCESS,
    /** Never removed, even when every test passed. */
    NEVER
}
