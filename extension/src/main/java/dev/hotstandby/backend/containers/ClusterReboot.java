package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.BackendNode;
import dev.hotstandby.engine.NodeFiles;
import dev.hotstandby.engine.StartupTrace;
import dev.hotstandby.engine.Topology;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Boots a cluster again in place (a refresh after a promotion or a rejoin) without a new container:
 * each keeps its id, network aliases and mapped port, so JDBC URLs stay valid, and costs no
 * container start. One exec per node, all at once (each is a slow round trip to the daemon): the
 * server killed, the data directory a fresh copy of the template with the node's files as at the
 * first start, the server started; then every server is waited for as {@link ClusterStartup} waits
 * at the first start (the primary sets the password again).
 *
 * <p>No node waits for another's old server to go. A fresh standby must not stream from its
 * upstream's old server: the relays hold its connections until the upstream's exec has killed it
 * (with direct links, the standby's exec waits for the upstream's instead). With archiving, each
 * boot's servers use a directory of the archive volume of their own, and every node removes the
 * rest once its own server is dead.
 */
final class ClusterReboot {
    private final ClusterSpec spec;
    private final DockerResources shared;
    private final ClusterStartup startup;
    private int reboots;

    ClusterReboot(ClusterSpec spec, DockerResources shared, ClusterStartup startup) {
        this.spec = spec;
        this.shared = shared;
        this.startup = startup;
    }

    void run(List<ContainerNode> nodes, Topology topology, NodeFiles files, NetworkPartition partition,
             ReplicationRelays relays) {
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        List<String> rules = shared.pgHbaRules();
        String archive = shared.archiveVolume() == null ? null : NodeSettings.ARCHIVE + "/reboot-" + ++reboots;
        Map<BackendNode, CountDownLatch> oldServerGone = new HashMap<>();
        nodes.forEach(node -> oldServerGone.put(node, new CountDownLatch(1)));
        relays.clearForReboot(nodes);
        try {
            startup.startAll(nodes, topology, deadline, node -> {
                try {
                    partition.rejoin(node);
                } catch (NotFoundException gone) {
                    throw new ClusterStartException(node + ": its container is gone from Docker, so it cannot be booted"
                            + " again in place (" + gone.getMessage().trim() + ")", gone);
                }
                if (topology.isStandby(node) && !relays.relayed()) {
                    await(oldServerGone.get(topology.upstreamOf(node)), node, topology.upstreamOf(node), deadline);
                }
                Map<String, String> environment = NodeContainers.nodeEnvironment("HOTSTANDBY_REBOOT_FILE_",
                        topology.isPrimary(node), filesOf(node, archive, files), rules);
                if (archive != null) {
                    environment.put("HOTSTANDBY_ARCHIVE_DIR", archive);
                }
                int from = node.reboot(environment, deadline);
                relays.rebooted(node);
                oldServerGone.get(node).countDown();
                return from;
            });
        } finally {
            nodes.forEach(relays::rebooted);
        }
        StartupTrace.mark("reboot: servers answer");
    }

    /** With archiving, the files name this boot's archive directory. */
    private static Map<String, String> filesOf(ContainerNode node, String archive, NodeFiles files) {
        if (archive != null) {
            node.archiveInto(archive);
        }
        return files.filesFor(node);
    }

    private static void await(CountDownLatch oldServerGone, ContainerNode standby, BackendNode upstream, long deadline) {
        try {
            if (!oldServerGone.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new ClusterStartException(standby.name() + ": " + upstream.name() + " was not booted again in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException(standby.name() + ": interrupted while " + upstream.name() + " was booted again");
        }
    }
}
