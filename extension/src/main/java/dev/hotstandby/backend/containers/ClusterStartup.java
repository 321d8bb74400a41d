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
 * Boots a cluster's defined containers, all at once: every node a copy of the template image's data
 * directory with its node files staged beforehand, the standbys cold copies that stream from their
 * upstream as soon as it runs and has set the cluster's password (they retry every
 * wal_retrieve_retry_interval until then, so no standby waits for it here). Returns once every
 * server answers queries with that password; the engine then creates the slots and checks the
 * start contract. On failure the engine closes the cluster.
 */
final class ClusterStartup {
    private static final Pattern READY = Pattern.compile("database system is ready to accept (read.only )?connections");
    private static final Pattern PASSWORD_SET = Pattern.compile("hotstandby: password set");

    private final ClusterSpec spec;
    private final String clusterId;
    private final DockerResources shared;

    ClusterStartup(ClusterSpec spec, String clusterId, DockerResources shared) {
        this.spec = spec;
        this.clusterId = clusterId;
        this.shared = shared;
    }

    void run(List<ContainerNode> nodes, Topology topology, NodeFiles files) {
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        List<String> rules = shared.pgHbaRules();
        for (ContainerNode node : nodes) {
            NodeContainers.stage(node, topology.isPrimary(node), files.filesFor(node), rules);
        }
        startAllAtOnce(nodes, deadline, node -> {
            if (topology.isPrimary(node)) {
                startPrimary(node, deadline);
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

    /** node.sh sets the cluster's password over the socket once the server runs. */
    private void startPrimary(ContainerNode primary, long deadline) {
        primary.container().start();
        primary.awaitLine(PASSWORD_SET, 0, deadline, "its start from the template and setting the cluster's password");
        primary.awaitConnectable(Waits.remaining(deadline));
    }

    /** A standby answers with the password once it has replayed the primary's setting it. */
    private void startStandby(ContainerNode standby, BackendNode upstream, long deadline) {
        standby.container().start();
        standby.awaitLine(READY, 0, deadline, "its start from the template (a cold copy that streams from "
                + upstream.name() + ")");
        standby.awaitConnectable(Waits.remaining(deadline));
    }
}
