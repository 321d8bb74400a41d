package dev.hotstandby.engine;

import java.util.List;
import java.util.Optional;

/** A started cluster as a backend sees it. */
public interface RunningCluster {

    /** The primary first, then the standbys in index order. */
    List<NodeRuntime> nodes();

    /** The superuser every node accepts over TCP. */
    String username();

    /** Generated for this cluster; nothing else knows it. */
    String password();

    /**
     * Stops every node. Removes everything unless {@code keepEvidence}, in which case data and logs
     * stay and the returned text says where.
     */
    Optional<String> close(boolean keepEvidence);

    /** Stops a node cleanly (a fast shutdown, with a checkpoint); its data stays for {@link #start}. */
    default void stop(NodeRuntime node) {
        throw unsupported("stop");
    }

    /** Crashes a node as {@code kill -9} of its postmaster would; the next start runs crash recovery. */
    default void kill(NodeRuntime node) {
        throw unsupported("kill");
    }

    /** Starts a stopped node again and returns once it accepts connections. */
    default void start(NodeRuntime node) {
        throw unsupported("start");
    }

    /**
     * Promotes a standby and returns once it accepts writes; the other standbys are re-pointed at
     * it and follow it onto its new timeline. The former primary is left as it is (often stopped).
     */
    default void promote(NodeRuntime standby) {
        throw unsupported("promote");
    }

    /** Turns a former primary into a standby of the current primary, re-seeded from it, and starts it. */
    default void rejoin(NodeRuntime formerPrimary) {
        throw unsupported("rejoin");
    }

    /** Cuts a standby's replication link while both servers stay up. */
    default void disconnect(NodeRuntime standby) {
        throw unsupported("disconnect");
    }

    /** Restores a link cut by {@link #disconnect}. */
    default void reconnect(NodeRuntime standby) {
        throw unsupported("reconnect");
    }

    private UnsupportedOperationException unsupported(String operation) {
        return new UnsupportedOperationException(getClass().getSimpleName() + " cannot " + operation + " nodes yet");
    }
}
