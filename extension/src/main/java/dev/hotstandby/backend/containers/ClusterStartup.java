package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.Lsn;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Brings a cluster up: the networks (and archive volume), one container per node, all started at
 * once, then the start contract: every standby streams and has replayed the primary's position.
 * Standbys need not wait for their upstream: node.sh retries the base backup until it accepts.
 * On failure the caller removes whatever exists by then.
 */
final class ClusterStartup {
    private static final Pattern READY = Pattern.compile("database system is ready to accept (read.only )?connections");

    private final ClusterSpec spec;
    private final String clusterId;
    private final Topology topology;
    private final DockerResources shared;
    private final NodeContainers containers;
    private final NodeConfigFiles configFiles;
    private final PrimaryConfigExchange configExchange;
    private final NodeConnections connections;
    private final ReplicationSlots slots;

    ClusterStartup(ClusterSpec spec, String clusterId, Topology topology, DockerResources shared,
                   NodeContainers containers, NodeConfigFiles configFiles, PrimaryConfigExchange configExchange,
                   NodeConnections connections, ReplicationSlots slots) {
        this.spec = spec;
        this.clusterId = clusterId;
        this.topology = topology;
        this.shared = shared;
        this.containers = containers;
        this.configFiles = configFiles;
        this.configExchange = configExchange;
        this.connections = connections;
        this.slots = slots;
    }

    /** Returns once the start contract holds, within the spec's start timeout for all of it. */
    void run() {
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        shared.createNetworks();
        if (spec.replication().archiving()) {
            shared.createArchiveVolume();
        }
        topology.add(containers.define(ClusterSpec.PRIMARY_NAME, ContainerNode.Role.PRIMARY));
        for (int i = 0; i < spec.standbys(); i++) {
            topology.add(containers.define(ClusterSpec.standbyName(i), ContainerNode.Role.STANDBY));
        }
        List<ContainerNode> nodes = topology.nodes();
        for (int i = 0; i < spec.standbys(); i++) {
            topology.streamFrom(nodes.get(1 + i), nodes.get(spec.replication().upstreamOf(i) + 1));
        }
        for (ContainerNode standby : topology.standbys()) {
            configFiles.stageForFirstStart(standby, topology.upstreamOf(standby));
        }
        startAllAtOnce(nodes, deadline);
        if (spec.replication().replicationSlots()) {
            topology.standbys().forEach(standby -> slots.create(standby, topology.upstreamOf(standby)));
        }
        awaitStreamingAndCaughtUp(deadline);
    }

    /** Every container starts in a thread of its own; the first failure ends the wait. */
    private void startAllAtOnce(List<ContainerNode> nodes, long deadline) {
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size(), runnable -> {
            Thread thread = new Thread(runnable, "hotstandby-" + clusterId + "-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ExecutorCompletionService<Void> starts = new ExecutorCompletionService<>(pool);
            for (ContainerNode node : nodes) {
                starts.submit(() -> {
                    if (node.isPrimary()) {
                        startPrimary(node, deadline);
                    } else {
                        startStandby(node, deadline);
                    }
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
    private void startPrimary(ContainerNode primary, long deadline) throws IOException {
        primary.container().start();
        int installed = configExchange.installConfiguration(primary, deadline);
        primary.awaitLine(READY, installed, deadline, "the server's start after initialisation");
        primary.refreshAddress();
        connections.awaitConnectable(primary, deadline);
    }

    private void startStandby(ContainerNode standby, long deadline) {
        standby.container().start();
        standby.awaitLine(READY, 0, deadline, "its start (a base backup of " + topology.upstreamOf(standby).name()
                + " over the network, then recovery)");
        standby.refreshAddress();
        connections.awaitConnectable(standby, deadline);
    }

    /**
     * The start contract: every standby's WAL receiver is streaming and has replayed the primary's
     * position as of now (standbys of standbys included).
     */
    private void awaitStreamingAndCaughtUp(long deadline) {
        List<ContainerNode> standbys = topology.standbys();
        if (standbys.isEmpty()) {
            return;
        }
        Map<ContainerNode, Connection> open = new LinkedHashMap<>();
        try {
            for (ContainerNode node : topology.nodes()) {
                open.put(node, connections.open(node));
            }
            for (ContainerNode standby : standbys) {
                String status = null;
                while (!"streaming".equals(status = NodeConnections.single(open.get(standby),
                        "SELECT status FROM pg_stat_wal_receiver"))) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new ClusterStartException(standby.name() + " did not stream from "
                                + topology.upstreamOf(standby).name() + " within " + spec.startTimeout()
                                + " (its WAL receiver: " + (status == null ? "not running" : status) + ")");
                    }
                    NodeConnections.pause(2);
                }
            }
            // ... and each upstream sees it streaming: with synchronous = true, as a synchronous candidate
            // (a walsender takes its priority from synchronous_standby_names a moment after it starts)
            for (ContainerNode standby : standbys) {
                ContainerNode upstream = topology.upstreamOf(standby);
                boolean candidate = spec.synchronous() && upstream.isPrimary();
                String sql = "SELECT count(*) FROM pg_stat_replication WHERE application_name = '" + standby.name()
                        + "' AND state = 'streaming'" + (candidate ? " AND sync_priority > 0" : "");
                while (!"1".equals(NodeConnections.single(open.get(upstream), sql))) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new ClusterStartException(upstream.name() + " does not list " + standby.name() + " as streaming"
                                + (candidate ? " synchronous candidate" : "") + " in pg_stat_replication within "
                                + spec.startTimeout());
                    }
                    NodeConnections.pause(2);
                }
            }
            Lsn target = Lsn.parse(NodeConnections.single(open.get(topology.primary()), "SELECT pg_current_wal_flush_lsn()::text"));
            for (ContainerNode standby : standbys) {
                String replayed = null;
                while (true) {
                    replayed = NodeConnections.single(open.get(standby), "SELECT pg_last_wal_replay_lsn()::text");
                    if (replayed != null && Lsn.parse(replayed).isAtLeast(target)) {
                        break;
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new ClusterStartException(standby.name() + " did not catch up within " + spec.startTimeout()
                                + ": replayed up to " + replayed + ", primary at " + target);
                    }
                    NodeConnections.pause(2);
                }
            }
        } catch (SQLException e) {
            throw new ClusterStartException("cannot query the servers: " + e.getMessage(), e);
        } finally {
            open.values().forEach(NodeConnections::closeQuietly);
        }
    }
}
