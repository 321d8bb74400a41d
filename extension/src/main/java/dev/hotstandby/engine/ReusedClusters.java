package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import java.util.Optional;

/**
 * Shared clusters kept across runs ({@code hotstandby.reuse=true}): a new one is started in an entry
 * of the {@link ReuseRegistry} with its watchdog; a later run takes one of its configuration that
 * nobody holds, attaches to it, and refreshes it (which checks it against its declared state). One
 * that cannot be attached or refreshed is removed, with a warning saying why, and the next is tried.
 */
public final class ReusedClusters {
    private ReusedClusters() {
    }

    /** A cluster of this configuration that an earlier run kept, attached and refreshed; empty when none is usable. */
    public static Optional<RunningCluster> take(ClusterSpec spec, ClusterBackend backend) {
        String key = ReuseRegistry.key(spec);
        StartupTrace.mark("reuse key made");
        for (ReuseEntry entry : ReuseRegistry.entries(key)) {
            if (!entry.tryLease()) {
                continue;
            }
            StartupTrace.mark("reused cluster leased");
            RunningCluster attached = null;
            try {
                if (!key.equals(entry.record().getProperty("key"))) {
                    entry.release();   // another configuration with the same hash, or a start that never finished
                    continue;
                }
                attached = backend.attach(spec, entry).orElse(null);
                if (attached == null) {
                    NodeLog.forCluster(spec.owner()).warn("the cluster kept in " + entry + " is not there any more;"
                            + " its entry is removed");
                    entry.remove();
                    continue;
                }
                StartupTrace.mark("reused cluster attached");
                attached.refresh();
                StartupTrace.mark("reused cluster refreshed");
                return Optional.of(attached);
            } catch (RuntimeException unusable) {
                NodeLog.forCluster(spec.owner()).warn("the cluster kept in " + entry + " cannot be reused, so it is"
                        + " removed: " + unusable.getMessage());
                if (attached != null) {
                    attached.close(false);
                }
                entry.remove();
            }
        }
        return Optional.empty();
    }

    /**
     * Removes the cluster kept in {@code entryDirectory} (its teardown) if no JVM holds it now: for a
     * backend whose kept clusters hold a scarce resource (a private network) that a start waits for.
     * False when it is in use or gone already.
     */
    public static boolean removeIfIdle(java.nio.file.Path entryDirectory) {
        if (!java.nio.file.Files.isDirectory(entryDirectory)) {
            return false;
        }
        ReuseEntry entry = new ReuseEntry(entryDirectory);
        if (!entry.tryLease()) {
            return false;
        }
        NodeLog.forCluster("hotstandby reuse").info("the cluster kept in " + entry + " gives way to a new one: it is removed");
        entry.remove();
        return true;
    }

    /** A new cluster kept for the next runs, prepared for refreshes, its record written. */
    public static RunningCluster start(ClusterSpec spec, ClusterBackend backend, ReuseOptions options) {
        ReuseEntry entry = ReuseRegistry.create(ReuseRegistry.key(spec), options.idle());
        RunningCluster running;
        try {
            running = backend.start(spec, Lifetime.reused(entry));
        } catch (RuntimeException | Error failure) {
            entry.remove();
            throw failure;
        }
        try {
            running.prepareRefresh();
            ((EngineCluster) running).writeReuseRecord();
            return running;
        } catch (RuntimeException | Error failure) {
            running.close(false);
            throw failure;
        }
    }
}
