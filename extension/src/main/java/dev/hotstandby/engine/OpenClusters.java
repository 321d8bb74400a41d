package dev.hotstandby.engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clusters not closed yet, on every backend: one shutdown hook closes them should the JVM end
 * first (an exec:java main that forgot close(), Ctrl-C in the CLI, the pool's shared clusters), or,
 * for those kept for reuse, detaches them for the next run. A JVM killed with kill -9 runs
 * no hook; each backend's reaper removes what such a JVM left at the next start.
 */
final class OpenClusters {
    private static final Set<EngineCluster> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(EngineCluster::closeAtJvmEnd),
                "hotstandby-shutdown"));
    }

    private OpenClusters() {
    }

    static void add(EngineCluster cluster) {
        OPEN.add(cluster);
    }

    static void remove(EngineCluster cluster) {
        OPEN.remove(cluster);
    }
}
