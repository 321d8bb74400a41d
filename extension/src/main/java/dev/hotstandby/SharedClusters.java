package dev.hotstandby;

import dev.hotstandby.engine.Backends;
import dev.hotstandby.engine.ClusterBackend;
import dev.hotstandby.engine.NodeLog;
import dev.hotstandby.engine.ReuseOptions;
import dev.hotstandby.engine.ReusedClusters;
import dev.hotstandby.engine.RunningCluster;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared clusters of this JVM: a small pool per configuration (a spec with every value but the
 * owner equal). A user takes a free one, refreshed, or a new one when all are taken (classes running
 * in parallel), and hands it back on close. A refresh that fails discards the cluster, with a warning
 * saying why, and the user gets another. The pool's clusters stop when the JVM ends, or, with
 * {@code hotstandby.reuse}, are kept for the next run ({@link ReusedClusters}), which takes them first.
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
        private volatile boolean warned;

        PostgresCluster take(ClusterSpec spec) {
            while (true) {
                PostgresCluster candidate = next();
                if (candidate == null) {
                    return startOrAttach(spec);
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

        /**
         * With {@code hotstandby.reuse} on, a cluster an earlier run kept (attached and refreshed), else
         * a new one kept for the next runs; without, a new one that stops with the JVM.
         */
        private PostgresCluster startOrAttach(ClusterSpec spec) {
            ReuseOptions reuse = ReuseOptions.current();
            if (reuse.enabled()) {
                ClusterBackend backend = Backends.forSpec(spec);
                Optional<String> cannot = backend.cannotReuse(spec);
                if (cannot.isEmpty()) {
                    RunningCluster running = ReusedClusters.take(spec, backend)
                            .orElseGet(() -> ReusedClusters.start(spec, backend, reuse));
                    return PostgresCluster.sharedOver(spec, running, this);
                }
                if (!warned) {
                    warned = true;
                    NodeLog.forCluster(spec.owner()).warn(ReuseOptions.PROPERTY + " is on, but " + cannot.get()
                            + ": this run's shared clusters of this configuration stop when the JVM ends");
                }
            }
            return PostgresCluster.startShared(spec, this);
        }

        private synchronized PostgresCluster next() {
            return free.pollFirst();
        }

        synchronized void release(PostgresCluster cluster) {
            free.addFirst(cluster);
        }
    }
}
