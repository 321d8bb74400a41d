package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.NodeFiles;
import dev.hotstandby.engine.StartupTrace;
import dev.hotstandby.engine.Topology;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Boots a cluster again in place (a refresh after a promotion or a rejoin) without a new container:
 * each keeps its id, network aliases and mapped port, so JDBC URLs stay valid, and costs no
 * container start. In every container at once (one exec each) the server is killed and the data
 * directory made a fresh copy of the template with the node's files, as at the first start; once
 * every server is gone the shared WAL archive is emptied (archiving = true) and the servers start,
 * waited for as {@link ClusterStartup} waits at the first start (the primary sets the password again).
 */
final class ClusterReboot {
    private final ClusterSpec spec;
    private final String clusterId;
    private final DockerResources shared;
    private final ClusterStartup startup;

    ClusterReboot(ClusterSpec spec, String clusterId, DockerResources shared, ClusterStartup startup) {
        this.spec = spec;
        this.clusterId = clusterId;
        this.shared = shared;
        this.startup = startup;
    }

    void run(List<ContainerNode> nodes, Topology topology, NodeFiles files, NetworkPartition partition,
             ReplicationRelays relays) {
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        List<String> rules = shared.pgHbaRules();
        // no server may start before every one is gone: a fresh standby would stream from an old primary
        EveryNode.inParallel(nodes, "hotstandby-" + clusterId + "-reset", deadline, "reset", spec.startTimeout(), node -> {
            partition.rejoin(node);
            node.reset(NodeContainers.nodeEnvironment("HOTSTANDBY_RESET_FILE_", topology.isPrimary(node),
                    files.filesFor(node), rules));
        });
        relays.clear();
        StartupTrace.mark("reboot: servers killed, data directories reset");
        // with archiving, the standbys start only once the primary's exec emptied the archive: an old
        // timeline's history file or segment there would lead them off the new primary's timeline 1
        boolean archiving = shared.archiveVolume() != null;
        CountDownLatch archiveEmpty = new CountDownLatch(archiving ? 1 : 0);
        startup.startAll(nodes, topology, deadline, node -> {
            if (topology.isPrimary(node)) {
                int from = node.startAfterReset(archiving, deadline);
                archiveEmpty.countDown();
                return from;
            }
            await(archiveEmpty, node, deadline);
            return node.startAfterReset(false, deadline);
        });
        StartupTrace.mark("reboot: servers answer");
    }

    private static void await(CountDownLatch archiveEmpty, ContainerNode standby, long deadline) {
        try {
            if (!archiveEmpty.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new ClusterStartException(standby.name() + ": the WAL archive was not emptied in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException(standby.name() + ": interrupted while the WAL archive was emptied");
        }
    }
}
