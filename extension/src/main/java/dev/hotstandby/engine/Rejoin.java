package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import java.util.List;

/**
 * A former primary becomes a standby of the current primary, for every backend: rewound with
 * pg_rewind where the backend can (from a clean shutdown: a crashed server is started for its crash
 * recovery, then stopped), else, or should that fail, re-seeded from a base backup. Either way its
 * diverged changes are gone; it returns once the primary lists it as streaming.
 */
final class Rejoin {
    private final ClusterSpec spec;
    private final BackendCluster backend;
    private final Topology topology;
    private final NodeFiles files;
    private final Slots slots;
    private final StartContract contract;

    Rejoin(ClusterSpec spec, BackendCluster backend, Topology topology, NodeFiles files, Slots slots, StartContract contract) {
        this.spec = spec;
        this.backend = backend;
        this.topology = topology;
        this.files = files;
        this.slots = slots;
        this.contract = contract;
    }

    void rejoin(BackendNode node) {
        BackendNode primary = topology.primary();
        boolean rewound = backend.canRewind() && rewind(node, primary);
        if (!rewound) {
            if (node.isServerRunning()) {
                node.stopServer();
            }
            backend.reseed(node, primary);
        }
        NodeLog.of(node.name()).info((rewound ? "rewound by pg_rewind" : "re-seeded by a base backup")
                + " to rejoin as a standby of " + primary.name());
        topology.rejoined(node, primary);
        files.rejoined(node);
        slots.ensure(primary, node);
        // after a rewind this also replaces the files pg_rewind copied from the primary
        files.configure(node);
        node.startServer(spec.startTimeout());
        // one more direct standby, for synchronous_standby_names
        files.rewriteNodeConf(primary);
        Sql.reload(primary);
        contract.await(List.of(node), spec.startTimeout());
    }

    /**
     * pg_rewind reads the source's timeline from pg_control, which a promotion updates only at its
     * first checkpoint: without one it finds both on the same timeline, rewinds nothing, and the
     * node, still ahead on the old timeline, could never stream from the new one.
     */
    private boolean rewind(BackendNode node, BackendNode primary) {
        Sql.single(primary, "CHECKPOINT");
        try {
            if (!node.isServerRunning()) {
                node.startServer(spec.startTimeout());
            }
        } catch (RuntimeException cannotRecover) {
            // the re-seed starts from nothing, so a node that cannot even recover still rejoins
            return false;
        }
        node.stopServer();
        return new Rewind(spec, backend).run(node, primary);
    }
}
