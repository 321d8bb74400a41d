package dev.hotstandby.backend.containers;

import dev.hotstandby.engine.BackendNode;
import dev.hotstandby.engine.Sql;
import dev.hotstandby.engine.Topology;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * disconnect() as a real network partition: the standby leaves the cluster's replication network
 * ({@code docker network disconnect --force}); both servers stay up, and the test JVM still reaches
 * the standby through its mapped port (published through the access network, see
 * {@link DockerResources}). The standby's WAL receiver notices after {@code wal_receiver_timeout},
 * the upstream's WAL sender after {@code wal_sender_timeout} (both short here, see
 * {@link NodeSettings}); until then they show the old connection, as after a real cut.
 */
final class NetworkPartition {
    private final Topology topology;
    private final ReplicationRelays relays;
    /** Disconnected standbys, with the address each had on the replication network before the cut. */
    private final Map<ContainerNode, Optional<String>> cutAt = new ConcurrentHashMap<>();

    NetworkPartition(Topology topology, ReplicationRelays relays) {
        this.topology = topology;
        this.relays = relays;
    }

    /**
     * Off the replication network, and its relays frozen: the standby still reaches the relays'
     * address (the host's, on the replication bridge) through its access network's gateway, which is
     * the host too; frozen, they move no byte for it, as the network would.
     */
    void cut(ContainerNode standby) {
        relays.freeze(standby, true);
        cutAt.put(standby, Optional.ofNullable(standby.leaveReplicationNetwork()));
        standby.refreshAddress();
    }

    /**
     * Back on the replication network under its name; the mapped port is read again. Docker usually
     * gives the standby another address there: then every replication connection it had is dead
     * (though both ends may not know yet), so they are ended at once and the WAL receivers retry
     * after {@code wal_retrieve_retry_interval} instead of waiting for their timeouts.
     */
    void heal(ContainerNode standby, BackendNode upstream) {
        Optional<String> before = cutAt.remove(standby);
        String now = standby.joinReplicationNetwork();
        standby.refreshAddress();
        relays.freeze(standby, false);
        if (before != null && before.isPresent() && !before.get().equals(now)) {
            // the standby's own ends: its WAL receiver, and WAL senders of standbys cascading from it
            stopWalSenders(standby, "true");
            stopWalReceiver(standby);
            // the other ends: its upstream's WAL sender for it, and the WAL receivers of its followers;
            // relayed, the upstream sees the relay's address, and closing the relay's ends ends that sender
            if (relays.relayed()) {
                relays.resetAround(standby);
            } else {
                stopWalSenders(upstream, "client_addr = " + Sql.literal(before.get()) + "::inet");
            }
            topology.followersOf(standby).forEach(follower -> stopWalReceiver((ContainerNode) follower));
        }
    }

    /**
     * For a boot again in place, which kills every server: the node back on the replication network
     * if it is off it (a cut the engine did not heal, too), and no cut remembered.
     */
    void rejoin(ContainerNode node) {
        cutAt.remove(node);
        if (node.replicationAddress() == null) {
            node.joinReplicationNetwork();
        }
    }

    private static void stopWalSenders(BackendNode node, String condition) {
        if (node.isServerRunning()) {
            Sql.single(node, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_replication WHERE " + condition);
        }
    }

    /** SIGTERM, as the server's own shutdown sends it: the startup process starts a new receiver at once. */
    private static void stopWalReceiver(ContainerNode node) {
        if (!node.isServerRunning()) {
            return;
        }
        String pid = Sql.single(node, "SELECT pid FROM pg_stat_wal_receiver");
        if (pid != null) {
            node.exec("kill -TERM " + Integer.parseInt(pid) + " 2>/dev/null || true");
        }
    }
}
