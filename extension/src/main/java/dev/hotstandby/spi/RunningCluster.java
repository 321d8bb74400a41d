package dev.hotstandby.spi;

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
}
