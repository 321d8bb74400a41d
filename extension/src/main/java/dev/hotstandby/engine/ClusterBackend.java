package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;

/**
 * Starts clusters on one kind of infrastructure. Implementations either return a cluster whose
 * every standby is streaming, or throw having stopped and removed everything they started.
 */
public interface ClusterBackend {
    RunningCluster start(ClusterSpec spec);
}
