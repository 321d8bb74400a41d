package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.BackendNode;
import dev.hotstandby.engine.NodeFiles;
import dev.hotstandby.engine.Topology;
import dev.hotstandby.engine.Waits;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Boots a cluster's defined containers, all at once: the primary initialised by the image's
 * entrypoint with the configuration exchanged through its initdb hook, each standby a base backup of
 * its upstream taken by node.sh (retried until the upstream accepts, so no standby waits for it here)
 * with its node files staged beforehand. Returns once every server answers queries; the engine then
 * creates the slots and checks the start contract. On failure the engine closes the cluster.
 */
final class ClusterStartup {
    private static final Pattern READY = Pattern.compile("database system is ready to accept (read.only )?connections");

    private final ClusterSpec spec;
    private final String clusterId;
    private final PrimaryConfigExchange configExchange;

    ClusterStartup(ClusterSpec spec, String clusterId, PrimaryConfigExchange configExchange) {
        this.spec = spec;
        this.clusterId = clusterId;
        this.configExchange = configExchange;
    }

    void run(List<ContainerNode> nodes, Topology topology, NodeFiles files) {
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        for (ContainerNode node : nodes) {
            if (topology.isPrimary(node)) {
                NodeContainers.asPrimary(node);
            } else {
                NodeContainers.asStandby(node);
                NodeConfigFiles.stageForFirstStart(node, files.filesFor(node), topology.upstreamOf(node).replicationHost());
            }
        }
        startAllAtOnce(nodes, deadline, node -> {
            if (topology.isPrimary(node)) {
                startPrimary(node, files.filesFor(node), deadline);
            } else {
                startStandby(node, topology.upstreamOf(node), deadline);
            }
        });
    }

    private interface Start {
        void run(ContainerNode node) throws IOException;
    }

    /** Every container starts in a thread of its own; the first failure ends the wait. */
    private void startAllAtOnce(List<ContainerNode> nodes, long deadline, Start start) {
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size(), runnable -> {
            Thread thread = new Thread(runnable, "hotstandby-" + clusterId + "-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ExecutorCompletionService<Void> starts = new ExecutorCompletionService<>(pool);
            for (ContainerNode node : nodes) {
                starts.submit(() -> {
                    start.run(node);
                    return null;
                });
            }
            for (int done = 0; done < nodes.size(); done++) {
                awaitNext(starts, deadline);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The next finished start, rethrowing its failure as it was thrown. */
    private void awaitNext(ExecutorCompletionService<Void> starts, long deadline) {
        try {
            // a few seconds past the deadline: each start's own deadline check reports better why
            Future<Void> next = starts.poll(Math.max(1, deadline - System.nanoTime()) + 5_000_000_000L, TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new TimeoutException();
            }
            next.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new ClusterStartException(cause.toString(), cause);
        } catch (TimeoutException e) {
            throw new ClusterStartException("not every container started within " + spec.startTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException("interrupted while the containers started");
        }
    }

    /** The image's entrypoint runs initdb and our hook, then starts the server with the configuration installed. */
    private void startPrimary(ContainerNode primary, java.util.Map<String, String> nodeFiles, long deadline) throws IOException {
        primary.container().start();
        int installed = configExchange.installConfiguration(primary, nodeFiles, deadline);
        primary.awaitLine(READY, installed, deadline, "the server's start after initialisation");
        primary.awaitConnectable(Waits.remaining(deadline));
    }

    private void startStandby(ContainerNode standby, BackendNode upstream, long deadline) {
        standby.container().start();
        standby.awaitLine(READY, 0, deadline, "its start (a base backup of " + upstream.name()
                + " over the network, then recovery)");
        standby.awaitConnectable(Waits.remaining(deadline));
    }
}
