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

    /**
     * Starts a cluster that lives as {@code lifetime} says: kept for reuse, it lives where the end of
     * this JVM does not remove it (its resources named after the entry), and the entry's
     * {@value ReuseEntry#TEARDOWN} removes it without a JVM.
     */
    default RunningCluster start(ClusterSpec spec, Lifetime lifetime) {
        if (lifetime.reuse().isPresent()) {
            throw new UnsupportedOperationException(cannotReuse(spec).orElse("Backend." + spec.backend()
                    + " keeps no cluster for the next run"));
        }
        return start(spec);
    }

    /** Why clusters of this spec cannot be kept for the next run here; empty where they can. */
    default java.util.Optional<String> cannotReuse(ClusterSpec spec) {
        return java.util.Optional.of("Backend." + spec.backend() + " keeps no cluster for the next run");
    }

    /**
     * Reconnects to the cluster an earlier run kept in {@code entry}, with what this JVM needs to drive
     * it (sessions, relays, tunnels), through {@link EngineCluster#attach}; empty when it is not there
     * any more or not of this configuration. The caller refreshes it, which checks it.
     */
    default java.util.Optional<RunningCluster> attach(ClusterSpec spec, ReuseEntry entry) {
        return java.util.Optional.empty();
    }
}
