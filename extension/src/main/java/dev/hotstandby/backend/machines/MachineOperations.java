package dev.hotstandby.backend.machines;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.config.ReplicationSettings;
import java.util.concurrent.TimeUnit;

/**
 * What tests do to a running cluster on machines: promote a standby, rejoin a former primary
 * (pg_rewind, which the distributions' packages have; a fresh base backup should it fail), cut and
 * restore a standby's link with iptables. Changes reach servers by rewriting their files and
 * reloading, as an operator would on such hosts.
 */
final class MachineOperations {
    private final ClusterSpec spec;
    private final MachineTopology topology;
    private final NodeFiles files;
    private final NodeSql sql;
    private final ClusterBoot boot;
    private final Partitions partitions;

    MachineOperations(ClusterSpec spec, MachineTopology topology, NodeFiles files, NodeSql sql, ClusterBoot boot,
                      Partitions partitions) {
        this.spec = spec;
        this.topology = topology;
        this.files = files;
        this.sql = sql;
        this.boot = boot;
        this.partitions = partitions;
    }

    /** {@code pg_ctl promote}, which waits until the server accepts writes; then the others are re-pointed. */
    void promote(MachineNode promoted) {
        MachineNode former = topology.primary();
        promoted.asPostgres(promoted.pgCtl("-w -t " + spec.startTimeout().toSeconds() + " promote"));
        topology.promoted(promoted, former);
        files.rewriteNodeConf(promoted);
        reload(promoted);
        for (MachineNode follower : topology.followersOf(promoted)) {
            createSlot(follower, promoted);
            files.rewriteStandbySettings(follower, promoted);
            if (follower.isServerRunning()) {
                // primary_conninfo reloads without a restart from 13 on
                if (spec.major() >= 13) {
                    reload(follower);
                } else {
                    follower.stop();
                    follower.start(spec.startTimeout());
                }
            }
        }
    }

    /**
     * The former primary becomes a standby of the current one: pg_rewind rewinds it to where the
     * timelines forked (from a clean shutdown: a crashed server is started for its crash recovery,
     * then stopped). pg_rewind copies the source's config files too, so the node's own are written
     * again afterwards. Should rewinding fail, a fresh base backup does it.
     */
    void rejoin(MachineNode rejoining) {
        MachineNode primary = topology.primary();
        // pg_rewind needs a target that shut down cleanly: a crashed one starts (crash recovery) and stops
        if (!rejoining.isServerRunning()) {
            rejoining.start(spec.startTimeout());
        }
        rejoining.stop();
        // the promotion's new timeline reaches pg_control only at a checkpoint; before it, pg_rewind sees
        // one timeline on both sides, says "no rewind required" and leaves the diverged WAL in place
        sql.single(primary, "CHECKPOINT");
        String source = "host=" + primary.address() + " port=" + primary.serverPort() + " user=" + NodeFiles.SUPERUSER
                + " dbname=postgres";
        SshConnection.Result rewind = rejoining.tryAsPostgres(Sh.quote(rejoining.installation().binary("pg_rewind"))
                + " -D data" + restoreTargetWal() + " --source-server=" + Sh.quote(source) + " >>server.log 2>&1"
                + " || { echo \"hotstandby: pg_rewind failed (exit $?); re-seeding with a base backup instead\" >>server.log; exit 1; }");
        if (rewind.ok()) {
            // slots it held as primary would keep WAL on the standby forever; pg_rewind leaves them
            rejoining.asPostgres("rm -rf data/pg_replslot/*");
        } else {
            boot.baseBackup(rejoining, primary);
        }
        rejoining.setRole(MachineNode.Role.STANDBY);
        topology.streamFrom(rejoining, primary);
        createSlot(rejoining, primary);
        files.configureStandby(rejoining, primary);
        rejoining.start(spec.startTimeout());
        files.rewriteNodeConf(primary);
        reload(primary);
        boot.awaitStreaming(java.util.List.of(rejoining));
    }

    /**
     * The crash recovery and clean stop before a rewind checkpoint and recycle the target's older WAL,
     * which pg_rewind reads back to the last common checkpoint: with archiving (13+) it fetches what
     * is gone from the node's own archive through restore_command.
     */
    private String restoreTargetWal() {
        return spec.replication().archiving() && spec.major() >= 13 ? " --restore-target-wal" : "";
    }

    void disconnect(MachineNode standby) {
        partitions.cut(standby, topology.upstreamOf(standby));
    }

    /**
     * Deletes the rules; the connections that were cut may be half dead on either side, so if
     * streaming has not resumed shortly, the standby's server is restarted (it keeps its data).
     */
    void reconnect(MachineNode standby) {
        partitions.heal(standby, topology.upstreamOf(standby));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() - deadline < 0) {
            if ("streaming".equals(sql.poll(standby, "SELECT status FROM pg_stat_wal_receiver"))) {
                return;
            }
            NodeSql.pause(50);
        }
        standby.stop();
        standby.start(spec.startTimeout());
    }

    void createSlot(MachineNode standby, MachineNode upstream) {
        if (!spec.replication().replicationSlots()) {
            return;
        }
        String slot = ReplicationSettings.slotName(standby.name());
        if ("0".equals(sql.single(upstream, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))) {
            sql.single(upstream, "SELECT pg_create_physical_replication_slot('" + slot + "', true)");
        }
    }

    private void reload(MachineNode node) {
        if (node.isServerRunning()) {
            try {
                sql.single(node, "SELECT pg_reload_conf()");
            } catch (IllegalStateException e) {
                throw new ClusterStartException("cannot reload " + node.name() + ": " + e.getMessage(), e);
            }
        }
    }
}
