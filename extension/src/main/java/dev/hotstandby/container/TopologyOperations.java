package dev.hotstandby.container;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What tests do to a running cluster beyond stopping and killing servers: start a server again,
 * promote a standby, rejoin a former primary, cut and restore a standby's link. Changes reach the
 * servers by rewriting their config files and reloading, as an operator would.
 */
final class TopologyOperations {
    private final ClusterSpec spec;
    private final int major;
    private final Topology topology;
    private final NodeConfigFiles configFiles;
    private final NodeConnections connections;
    private final ReplicationSlots slots;

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

    /** The cut, as on the local backend: an empty primary_conninfo stops the standby's WAL receiver; both servers stay up and reachable. */
    void disconnect(ContainerNode standby) {
        setPrimaryConnInfo(standby, "ALTER SYSTEM SET primary_conninfo = ''");
    }

    /** Back to the primary_conninfo of the standby settings. */
    void reconnect(ContainerNode standby) {
        setPrimaryConnInfo(standby, "ALTER SYSTEM RESET primary_conninfo");
    }

    private void setPrimaryConnInfo(ContainerNode standby, String alterSystem) {
        if (major < 13) {
            throw new UnsupportedOperationException("disconnect and reconnect need PostgreSQL 13 or newer (primary_conninfo"
                    + " reloads without a restart from 13 on); this cluster runs " + major);
        }
        try (Connection connection = connections.open(standby); Statement statement = connection.createStatement()) {
            statement.execute(alterSystem);
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change how " + standby.name() + " connects: " + e.getMessage(), e);
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
