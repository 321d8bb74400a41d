package dev.hotstandby.engine;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterSpec;
import java.util.Set;

/**
 * Starts clusters on one kind of infrastructure; found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.hotstandby.engine.ClusterBackend}), so that a backend can live in an
 * artifact of its own. Implementations either return a cluster for which the start contract holds,
 * or throw having stopped and removed everything they started.
 */
public interface ClusterBackend {
    /** The {@link Backend} values this implementation runs. */
    Set<Backend> serves();

    RunningCluster start(ClusterSpec spec);
}
