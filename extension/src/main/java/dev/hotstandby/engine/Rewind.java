package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * pg_rewind for {@link Rejoin}, for every backend: copies only what changed since the timelines
 * forked, from the new primary, into the cleanly stopped former primary; with archiving (13+) it
 * fetches from the archive, through the node's restore_command, the older WAL its own crash recovery
 * and clean stop recycled. It leaves pg_replslot alone, so the slots the node kept as a primary are
 * removed here (they would pin WAL on the standby for ever). Its output goes to the node's log either
 * way. The backend only runs the tool as the server's user (wal_log_hints = on in configs/ is what
 * lets it run at all).
 */
final class Rewind {
    /** The first major whose pg_rewind has {@code --restore-target-wal}. */
    static final int RESTORE_TARGET_WAL_MAJOR = 13;

    private final ClusterSpec spec;
    private final BackendCluster backend;

    Rewind(ClusterSpec spec, BackendCluster backend) {
        this.spec = spec;
        this.backend = backend;
    }

    /** False when it failed: the node's directory must be re-seeded. */
    boolean run(BackendNode node, BackendNode source) {
        List<String> arguments = new ArrayList<>(List.of("--target-pgdata=" + backend.dataDirectory(node),
                "--source-server=" + backend.toolConninfo(node, source)));
        if (spec.replication().archiving() && spec.major() >= RESTORE_TARGET_WAL_MAJOR) {
            arguments.add("--restore-target-wal");
        }
        BackendCluster.ToolRun rewind = backend.runAsServerUser(node, "pg_rewind", arguments);
        backend.noteInLog(node, "hotstandby: pg_rewind of " + node.name() + " from " + source.name() + " ("
                + String.join(" ", arguments) + ") "
                + (rewind.succeeded() ? "rewound it"
                : "failed (exit " + rewind.exitCode() + "); re-seeding it with a base backup instead")
                + ":\n" + rewind.output().strip() + "\n");
        if (rewind.succeeded()) {
            backend.removeReplicationSlots(node);
        }
        return rewind.succeeded();
    }
}
