package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.BackendNode;
import dev.hotstandby.engine.NodeFiles;
import dev.hotstandby.engine.Slots;
import dev.hotstandby.engine.Topology;
import dev.hotstandby.engine.Waits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    private static final Pattern STREAMING = Pattern.compile("started streaming WAL from primary");

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
        startAll(nodes, topology, deadline, node -> {
            node.container().start();
            return 0;
        });
    }

    /** How a node's server is set going; returns the index of its log's first line that is that server's. */
    interface Launch {
        int launch(ContainerNode node);
    }

    /**
     * Launches every node's server at once and returns once each serves as at a first start ({@link
     * ClusterReboot} launches servers on fresh data in running containers this way too).
     */
    void startAll(List<ContainerNode> nodes, Topology topology, long deadline, Launch launch) {
        Map<BackendNode, CountDownLatch> serving = new HashMap<>();
        nodes.forEach(node -> serving.put(node, new CountDownLatch(1)));
        EveryNode.inParallel(nodes, "hotstandby-" + clusterId + "-start", deadline, "started", spec.startTimeout(), node -> {
            int from = launch.launch(node);
            if (topology.isPrimary(node)) {
                startPrimary(node, from, deadline);
            } else {
                BackendNode upstream = topology.upstreamOf(node);
                startStandby(node, from, upstream, serving.get(upstream), deadline);
            }
            createSlotsFor(node, topology.followersOf(node));
            serving.get(node).countDown();
        });
    }

    /** node.sh sets the cluster's password over the socket once the server runs. */
    private void startPrimary(ContainerNode primary, int from, long deadline) {
        primary.awaitLine(PASSWORD_SET, from, deadline, "its start from the template and setting the cluster's password");
        primary.awaitConnectable(Waits.remaining(deadline));
    }

    /**
     * A standby has the cluster's password only once it has replayed the primary's setting it: it
     * streams once its upstream serves ({@code upstreamServing}: the password set and its slot
     * there made), and logins are tried only from then on (each failed one would cost a server
     * process on busy cores).
     */
    private void startStandby(ContainerNode standby, int from, BackendNode upstream, CountDownLatch upstreamServing,
                              long deadline) {
        int ready = standby.awaitLine(READY, from, deadline, "its start from the template (a cold copy that streams from "
                + upstream.name() + ")");
        try {
            if (!upstreamServing.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new ClusterStartException(standby.name() + ": its upstream " + upstream.name() + " did not serve in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException(standby.name() + ": interrupted while waiting for " + upstream.name());
        }
        standby.awaitLine(STREAMING, ready, deadline, "streaming from " + upstream.name());
        standby.awaitConnectable(Waits.remaining(deadline));
    }

    /**
     * replicationSlots = true: the slot of each follower on {@code node}, made as soon as it serves,
     * since a follower streams, and so gets the password, only through its slot. The engine's own
     * check after the boot then finds them.
     */
    private void createSlotsFor(ContainerNode node, List<BackendNode> followers) {
        Slots slots = Slots.of(spec);
        for (BackendNode follower : followers) {
            slots.ensure(node, follower);
        }
    }
}
