package dev.hotstandby;

import java.util.Locale;

/** How far a synchronous standby must have taken a commit before the commit returns on the primary. */
public enum SynchronousCommit {
    /** Written to the standby's operating system, not yet flushed: survives a crash of the primary's server. */
    REMOTE_WRITE,
    /** Flushed to the standby's disk ({@code synchronous_commit = on}). */
    ON,
    /** Applied on the standby, so a read there sees it at once: read-your-writes. */
    REMOTE_APPLY;

    /** The value of {@code synchronous_commit}. */
    public String setting() {
        return name().toLowerCase(Locale.ROOT);
    }
}
