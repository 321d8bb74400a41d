package dev.hotstandby;

import dev.hotstandby.engine.NodeLog;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared clusters of this JVM: a small pool per configuration (a spec with every value but the
 * owner equal). A user takes a free one, refreshed, or a new one when all are taken (classes running
 * in parallel), and hands it back on close. A refresh that fails discards the cluster, with a warning
 * saying why, and the user gets another. The pool's clusters stop when the JVM ends.
 */
final class SharedClusters {
    /** What the pools are keyed by: the spec with a neutral owner. */
    private static final String ANYONE = "a shared cluster";
    private static final Map<ClusterSpec, Pool> POOLS = new ConcurrentHashMap<>();

    private SharedClusters() {
    }

    static PostgresCluster take(ClusterSpec spec) {
        return POOLS.computeIfAbsent(spec.withOwner(ANYONE), key -> new Pool()).take(spec);
    }

    /** Stops every shared cluster no user holds now; returns how many. */
    static int stopIdle() {
        int stopped = 0;
        for (Pool pool : POOLS.values()) {
            for (PostgresCluster idle = pool.next(); idle != null; idle = pool.next()) {
                idle.stop();
                stopped++;
            }
        }
        return stopped;
    }

    /** The free clusters of one configuration, the most recently handed back first. */
    static final class Pool {
        private final Deque<PostgresCluster> free = new ArrayDeque<>();

        PostgresCluster take(ClusterSpec spec) {
            while (true) {
                PostgresCluster candidate = next();
                if (candidate == null) {
                    return PostgresCluster.startShared(spec, this);
                }
                try {
                    candidate.takenBy(spec);
                    return candidate;
                } catch (RuntimeException refreshFailed) {
                    NodeLog.forCluster(spec.owner()).warn("the shared cluster " + candidate + " is discarded, and another"
                            + " one is taken or started: " + refreshFailed.getMessage());
                    candidate.stop();
                }
            }
        }

        private synchronized PostgresCluster next() {
            return free.pollFirst();
        }

        synchronized void release(PostgresCluster cluster) {
            free.addFirst(cluster);
        }
    }
}
