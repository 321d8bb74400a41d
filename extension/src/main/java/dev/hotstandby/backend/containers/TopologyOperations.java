package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What tests do to a running cluster beyond stopping and killing servers: start a server again,
 * promote a standby, rejoin a former primary, cut and restore a standby's link. Changes reach the
 * servers by rewriting their config files and reloading, as an operator would; a cut is a real
 * network partition through Docker.
 */
final class TopologyOperations {
    private final ClusterSpec spec;
    private final int major;
    private final Topology topology;
    private final NodeConfigFiles configFiles;
    private final NodeConnections connections;
    private final ReplicationSlots slots;
    /** Disconnected standbys, with the address each had on the replication network before the cut. */
    private final Map<ContainerNode, Optional<String>> cutAt = new ConcurrentHashMap<>();

    TopologyOperations(ClusterSpec spec, Topology topology, NodeConfigFiles configFiles, NodeConnections connections,
                       ReplicationSlots slots) {
        this.spec = spec;
        this.major = spec.major();
        this.topology = topology;
        this.configFiles = configFiles;
        this.connections = connections;
        this.slots = slots;
    }

    /** Starts the held server again in its container; returns once it answers a query. */
    void start(ContainerNode node) {
        node.release();
        // Docker may publish another host port when the server comes back
        node.refreshAddress();
        connections.awaitConnectable(node, System.nanoTime() + spec.startTimeout().toNanos());
    }

    /**
     * {@code pg_promote(false)} (a trigger file and SIGUSR1 on 11 and older, as pg_ctl does), then a
     * poll of {@code pg_is_in_recovery()}. The other standbys are re-pointed at the new primary by
     * name over the network: a reload from 13 on, a restart before.
     */
    void promote(ContainerNode promoted) {
        ContainerNode former = topology.primary();
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        try (Connection connection = connections.open(promoted)) {
            if (major >= 12) {
                NodeConnections.single(connection, "SELECT pg_promote(false)");
            } else {
                promoted.exec("touch \"$PGDATA/promote\" && kill -USR1 \"$(head -n 1 \"$PGDATA/postmaster.pid\")\"");
            }
            while ("t".equals(NodeConnections.single(connection, "SELECT pg_is_in_recovery()"))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ClusterStartException(promoted.name() + " was not promoted within " + spec.startTimeout()
                            + ":\n" + String.join("\n", promoted.logTail(20)));
                }
                NodeConnections.pause(2);
            }
        } catch (SQLException e) {
            throw new ClusterStartException("cannot promote " + promoted.name() + ": " + e.getMessage(), e);
        }
        topology.promoted(promoted, former);
        // a primary now: its node.conf names its direct standbys for synchronous_standby_names
        configFiles.rewriteNodeConf(promoted);
        reload(promoted);
        for (ContainerNode follower : topology.followersOf(promoted)) {
            if (spec.replication().replicationSlots()) {
                slots.create(follower, promoted);
            }
            configFiles.rewriteStandbySettings(follower, promoted);
            if (follower.isServerRunning()) {
                // primary_conninfo reloads without a restart from 13 on
                if (major >= 13) {
                    reload(follower);
                } else {
                    follower.hold("INT");
                    start(follower);
                }
            }
        }
    }

    /**
     * Re-seeds a former primary as a standby of the current primary: its server is stopped (if it
     * still runs), its data directory emptied and refilled by {@code pg_basebackup} of the primary
     * over the network inside its own container, then it starts with its standby settings.
     */
    void rejoin(ContainerNode rejoining) {
        ContainerNode primary = topology.primary();
        if (rejoining.isServerRunning()) {
            rejoining.hold("INT");
        }
        rejoining.exec("find \"$PGDATA\" -mindepth 1 -delete"
                + " && pg_basebackup --host=" + primary.name() + " --port=" + NodeSettings.PORT
                + " --username=" + NodeConnections.SUPERUSER
                + " --no-password --pgdata=\"$PGDATA\" --wal-method=stream --checkpoint=fast --no-sync"
                + " && chown -R \"$(stat -c %u:%g \"$PGDATA\")\" \"$PGDATA\" && chmod 700 \"$PGDATA\"");
        rejoining.setRole(ContainerNode.Role.STANDBY);
        topology.streamFrom(rejoining, primary);
        if (spec.replication().replicationSlots()) {
            slots.create(rejoining, primary);
        }
        configFiles.rewriteNodeConf(rejoining);
        configFiles.rewriteStandbySettings(rejoining, primary);
        configFiles.writeStandbySignal(rejoining);
        start(rejoining);
        // the primary has one more direct standby, for synchronous_standby_names
        configFiles.rewriteNodeConf(primary);
        reload(primary);
    }

    /**
     * A real network partition: the standby leaves the cluster's replication network ({@code docker
     * network disconnect --force}); both servers stay up, and the test JVM still reaches the standby
     * through its mapped port (published through the access network, see {@link DockerResources}).
     * Nothing replicates from the moment this returns. The standby's WAL receiver notices after
     * {@code wal_receiver_timeout}, the upstream's WAL sender after {@code wal_sender_timeout} (both
     * short on this backend, see {@link NodeSettings}); until then they show the old connection, as
     * they would after a real cut.
     */
    void disconnect(ContainerNode standby) {
        cutAt.put(standby, Optional.ofNullable(standby.leaveReplicationNetwork()));
        standby.refreshAddress();
    }

    /**
     * Back on the replication network under its name; the mapped port is read again. Docker usually
     * gives the standby another address there: then every replication connection it had is dead
     * (though both ends may not know yet), so they are ended at once and the WAL receivers retry
     * after {@code wal_retrieve_retry_interval} instead of waiting for their timeouts.
     */
    void reconnect(ContainerNode standby) {
        Optional<String> before = cutAt.remove(standby);
        String now = standby.joinReplicationNetwork();
        standby.refreshAddress();
        if (before != null && before.isPresent() && !before.get().equals(now)) {
            endConnectionsOfTheOldAddress(standby, before.get());
        }
        awaitStreamingOrRestart(standby);
    }

    /**
     * A WAL receiver that tried to connect during the cut can leave the standby's recovery waiting
     * without trying again (seen on PostgreSQL 15 in about a third of the runs here). If streaming
     * has not resumed shortly after the link is back, a restart of the standby's server, which
     * keeps its data, asks for streaming afresh.
     */
    private void awaitStreamingOrRestart(ContainerNode standby) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() - deadline < 0) {
            if (isStreaming(standby)) {
                return;
            }
            NodeConnections.pause(50);
        }
        standby.hold("INT");
        start(standby);
    }

    private void endConnectionsOfTheOldAddress(ContainerNode standby, String oldAddress) {
        // the standby's own ends: its WAL receiver, and WAL senders of standbys cascading from it
        stopWalSenders(standby, "true");
        stopWalReceiver(standby);
        // the other ends: its upstream's WAL sender for it, and the WAL receivers of its followers
        stopWalSenders(topology.upstreamOf(standby), "client_addr = '" + oldAddress + "'::inet");
        topology.followersOf(standby).forEach(this::stopWalReceiver);
    }

    private void stopWalSenders(ContainerNode node, String condition) {
        if (node == null || !node.isServerRunning()) {
            return;
        }
        try (Connection connection = connections.open(node)) {
            NodeConnections.single(connection, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_replication WHERE "
                    + condition);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot end the stale replication connections on " + node.name() + ": "
                    + e.getMessage(), e);
        }
    }

    private boolean isStreaming(ContainerNode standby) {
        try (Connection connection = connections.open(standby)) {
            return "streaming".equals(NodeConnections.single(connection, "SELECT status FROM pg_stat_wal_receiver"));
        } catch (SQLException e) {
            return false;
        }
    }

    /** SIGTERM, as the server's own shutdown sends it: the startup process starts a new receiver at once. */
    private void stopWalReceiver(ContainerNode node) {
        if (!node.isServerRunning()) {
            return;
        }
        String pid;
        try (Connection connection = connections.open(node)) {
            pid = NodeConnections.single(connection, "SELECT pid FROM pg_stat_wal_receiver");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the WAL receiver of " + node.name() + ": " + e.getMessage(), e);
        }
        if (pid != null) {
            node.exec("kill -TERM " + Integer.parseInt(pid) + " 2>/dev/null || true");
        }
    }

    /** A stopped server reads its files when it starts; only a running one needs a reload. */
    private void reload(ContainerNode node) {
        if (!node.isServerRunning()) {
            return;
        }
        try (Connection connection = connections.open(node)) {
            NodeConnections.single(connection, "SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reload " + node.name() + ": " + e.getMessage(), e);
        }
    }
}
