package dev.hotstandby.engine;

/** How a refresh brought a cluster back to its declared state. */
public enum RefreshKind {
    /** The servers kept running: faults lifted, settings reset, slots dropped, databases re-created from their copies. */
    DATA,
    /** The servers booted again in place from what a first boot starts from (after a promotion or a rejoin). */
    BOOTED_AGAIN
}
