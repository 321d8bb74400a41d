package dev.hotstandby;

import dev.hotstandby.engine.Backends;
import dev.hotstandby.engine.ClusterBackend;
import dev.hotstandby.engine.NodeLog;
import dev.hotstandby.engine.ReuseOptions;
import dev.hotstandby.engine.ReusedClusters;
import dev.hotstandby.engine.RunningCluster;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared clusters of this JVM: a small pool per configuration (a spec with every value but the
 * owner equal). A user takes a free one, refreshed, or a new one when all are taken (classes running
 * in parallel), and hands it back on close. A refresh that fails discards the cluster, with a warning
 * saying why, and the user gets another. The pool's clusters stop when the test run ends
 * ({@link SharedClustersAtSessionEnd}) or the JVM does, or, with
 * {@code hotstandby.reuse}, are kept for the next run ({@link ReusedClusters}), which takes them first.
 * A backend keeps at most {@link #IDLE_LIMIT} idle clusters, all configurations together: a suite of
 * many configurations would otherwise hold every cluster it ever started until the JVM ends.
 */
final class SharedClusters {
    /** What the pools are keyed by: the spec with a neutral owner. */
    private static final String ANYONE = "a shared cluster";
    private static final Map<ClusterSpec, Pool> POOLS = new ConcurrentHashMap<>();
    /**
     * Idle clusters a backend keeps; beyond it, the one handed back longest ago stops. Machines are
     * the scarce ones: each Vagrant cluster holds one of eight private networks and its machines.
     */
    static final Map<Backend, Integer> IDLE_LIMIT = Map.of(Backend.LOCAL, 8, Backend.CONTAINERS, 4,
            Backend.VAGRANT, 1, Backend.SSH, 1);
    /** Every idle cluster, the one handed back longest ago first. */
    private static final Deque<PostgresCluster> IDLE_ORDER = new ArrayDeque<>();

    private SharedClusters() {
    }

    static PostgresCluster take(ClusterSpec spec) {
        return POOLS.computeIfAbsent(spec.withOwner(ANYONE), key -> new Pool()).take(spec);
    }

    /** {@code cluster} is idle now: the oldest idle clusters of its backend beyond its limit stop. */
    private static void handedBack(PostgresCluster cluster) {
        Backend backend = cluster.spec().backend();
        List<PostgresCluster> beyondLimit = new ArrayList<>();
        synchronized (IDLE_ORDER) {
            IDLE_ORDER.remove(cluster);
            IDLE_ORDER.addLast(cluster);
            long excess = IDLE_ORDER.stream().filter(idle -> idle.spec().backend() == backend).count()
                    - IDLE_LIMIT.get(backend);
            for (PostgresCluster idle : IDLE_ORDER) {
                if (beyondLimit.size() >= excess) {
                    break;
                }
                if (idle.spec().backend() == backend) {
                    beyondLimit.add(idle);
                }
            }
            IDLE_ORDER.removeAll(beyondLimit);
        }
        for (PostgresCluster oldest : beyondLimit) {
            // unless a user took it meanwhile
            if (POOLS.values().stream().anyMatch(pool -> pool.removeIfFree(oldest))) {
                oldest.stop();
            }
        }
    }

    private static void taken(PostgresCluster cluster) {
        synchronized (IDLE_ORDER) {
            IDLE_ORDER.remove(cluster);
        }
    }

    /** Stops every shared cluster no user holds now; returns how many. */
    static int stopIdle() {
        return stopIdle(false);
    }

    /**
     * Stops every shared cluster no user holds now, but with {@code sparingKept} those kept for the
     * next run (the end of the JVM detaches them); returns how many it stopped.
     */
    static int stopIdle(boolean sparingKept) {
        int stopped = 0;
        for (Pool pool : POOLS.values()) {
            for (PostgresCluster idle : pool.takeFree(cluster -> !(sparingKept && cluster.keptForNextRun()))) {
                taken(idle);
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

        private PostgresCluster next() {
            PostgresCluster next;
            synchronized (this) {
                next = free.pollFirst();
            }
            if (next != null) {
                taken(next);
            }
            return next;
        }

        void release(PostgresCluster cluster) {
            synchronized (this) {
                free.addFirst(cluster);
            }
            handedBack(cluster);
        }

        /** The free clusters {@code which} accepts, out of the pool; the others stay free. */
        private synchronized List<PostgresCluster> takeFree(java.util.function.Predicate<PostgresCluster> which) {
            List<PostgresCluster> taken = free.stream().filter(which).toList();
            free.removeAll(taken);
            return taken;
        }

        private synchronized boolean removeIfFree(PostgresCluster cluster) {
            return free.remove(cluster);
        }
    }
}
