package dev.hotstandby.backend.machines;

import dev.hotstandby.ClusterSpec;

/**
 * pg_rewind of a cleanly stopped former primary from the new one over the private network, as
 * the superuser (pg_hba.conf admits it from the members' addresses). The distributions' packages
 * have pg_rewind; a failure is noted in the node's server.log and the engine re-seeds instead.
 */
final class PgRewind {
    private PgRewind() {
    }

    static boolean run(ClusterSpec spec, MachineNode node, MachineNode source) {
        String conninfo = "host=" + source.replicationHost() + " port=" + source.replicationPort()
                + " user=" + MachineCluster.SUPERUSER + " dbname=postgres";
        SshConnection.Result rewind = node.tryAsPostgres(Sh.quote(node.installation().binary("pg_rewind"))
                + " -D data" + restoreTargetWal(spec) + " --source-server=" + Sh.quote(conninfo) + " >>server.log 2>&1"
                + " || { echo \"hotstandby: pg_rewind failed (exit $?); re-seeding with a base backup instead\" >>server.log; exit 1; }");
        if (rewind.ok()) {
            // slots it held as primary would keep WAL on the standby forever; pg_rewind leaves them
            node.asPostgres("rm -rf data/pg_replslot/*");
        }
        return rewind.ok();
    }

    /**
     * The crash recovery and clean stop before a rewind checkpoint and recycle the target's older WAL,
     * which pg_rewind reads back to the last common checkpoint: with archiving (13+) it fetches what
     * is gone from the node's own archive through restore_command.
     */
    private static String restoreTargetWal(ClusterSpec spec) {
        return spec.replication().archiving() && spec.major() >= 13 ? " --restore-target-wal" : "";
    }
}
