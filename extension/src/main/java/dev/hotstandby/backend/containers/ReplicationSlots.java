package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterStartException;
import dev.hotstandby.config.ReplicationSettings;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * replicationSlots = true: each standby streams through a physical slot on its upstream, which
 * keeps the WAL the standby has not received yet. Made at start and again on each new upstream.
 */
final class ReplicationSlots {
    private final NodeConnections connections;

    ReplicationSlots(NodeConnections connections) {
        this.connections = connections;
    }

    /**
     * Creates the standby's slot on {@code upstream} unless it is there already: a standby that
     * cascaded from the node just promoted keeps the slot it had on it.
     */
    void create(ContainerNode standby, ContainerNode upstream) {
        String slot = ReplicationSettings.slotName(standby.name());
        try (Connection connection = connections.open(upstream)) {
            if (NodeConnections.single(connection, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                    + slot + "'").equals("0")) {
                NodeConnections.single(connection, "SELECT pg_create_physical_replication_slot('" + slot + "', true)");
            }
        } catch (SQLException e) {
            throw new ClusterStartException("cannot create the replication slot of " + standby.name() + " on "
                    + upstream.name() + ": " + e.getMessage(), e);
        }
    }
}
