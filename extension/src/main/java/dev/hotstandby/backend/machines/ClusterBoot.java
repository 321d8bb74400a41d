package dev.hotstandby.backend.machines;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.NodeFiles;
import dev.hotstandby.engine.Slots;
import dev.hotstandby.engine.Sql;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Brings a cluster's servers up on provisioned machines, as the seed did by hand: initdb on the
 * primary with configs/ applied, the replication role, then a {@code pg_basebackup} of its upstream
 * on every standby over the private network, the engine's files, start. Whether they stream is
 * the engine's start contract.
 */
final class ClusterBoot {
    private final ClusterSpec spec;
    private final NodeFiles files;
    private final String password;
    private final String replicationPassword;

    ClusterBoot(ClusterSpec spec, NodeFiles files, String password, String replicationPassword) {
        this.spec = spec;
        this.files = files;
        this.password = password;
        this.replicationPassword = replicationPassword;
    }

    /**
     * A directory of this run on the node's machine (owned by postgres, private), marked with its
     * owner at once for {@link StaleSshRuns}, and a free port there.
     */
    static int prepare(SshConnection ssh, String runDir, String marker) {
        String port = ssh.check(String.join("\n",
                "sudo -n install -d -o postgres -g postgres -m 700 " + Sh.quote(runDir) + " " + Sh.quote(runDir + "/archive"),
                StaleSshRuns.markOwned(runDir, marker),
                // listening TCP ports (state 0A) from /proc, which every Linux has; the first free one from a random start
                "used=$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == \"0A\" { split($2, a, \":\"); print a[2] }')",
                "p=" + (54320 + ThreadLocalRandom.current().nextInt(1000)),
                "while echo \"$used\" | grep -qix \"$(printf '%04X' \"$p\")\"; do p=$((p + 1)); done",
                "echo \"$p\"")).strip();
        return Integer.parseInt(port);
    }

    /**
     * The primary's node.conf already names its standbys (synchronous = true): the role is created
     * with a local commit, which would otherwise wait for standbys that do not exist yet.
     */
    void bootPrimary(MachineNode primary, List<String> memberAddresses) {
        writePasswordFiles(primary);
        primary.write("superuser.pw", password + "\n");
        primary.asPostgres(Sh.quote(primary.installation().binary("initdb")) + " -D data -U " + MachineCluster.SUPERUSER
                + " -E UTF8 --no-locale --auth-local=peer --auth-host=scram-sha-256 --pwfile=superuser.pw"
                // 1 MB WAL segments, as the other backends' clusters: archiving ships a segment as soon as it fills
                + (spec.major() >= 11 ? " --wal-segsize=1" : "") + " >initdb.log 2>&1"
                + " && rm superuser.pw");
        InitdbConfigs.apply(primary, memberAddresses, spec.replication().failoverSlots(spec.major()));
        files.configure(primary);
        primary.startServer(spec.startTimeout());
        Sql.single(primary, "SET synchronous_commit = local");
        Sql.single(primary, "CREATE ROLE " + MachineCluster.REPLICATION_ROLE + " WITH REPLICATION LOGIN PASSWORD "
                + Sql.literal(replicationPassword));
        Sql.single(primary, "RESET synchronous_commit");
    }

    /**
     * The standby's slot first (its declared one or a start slot), so that its upstream keeps the WAL
     * from the backup's start on; then the data directory from a base backup of the upstream, taken
     * on the standby's own machine.
     */
    void bootStandby(MachineNode standby, MachineNode upstream) {
        writePasswordFiles(standby);
        Slots.of(spec).reserveForBaseBackup(upstream, standby);
        baseBackup(standby, upstream);
        files.configure(standby);
        standby.startServer(spec.startTimeout());
    }

    /** Over the private network, as the replication role; whatever data the node had goes. */
    static void baseBackup(MachineNode standby, MachineNode upstream) {
        SshConnection.Result backup = standby.tryAsPostgres("rm -rf data && " + Sh.quote(standby.installation().binary("pg_basebackup"))
                + " -h " + Sh.quote(upstream.replicationHost()) + " -p " + upstream.replicationPort()
                + " -U " + MachineCluster.REPLICATION_ROLE + " -w -D data -X stream -c fast");
        if (!backup.ok()) {
            throw new ClusterStartException(standby.name() + ": pg_basebackup of " + upstream.name() + " ("
                    + upstream.replicationHost() + ":" + upstream.replicationPort() + ") failed: " + backup.err().strip());
        }
    }

    /**
     * The libpq password file every server process and tool of this node reads (PGPASSFILE): the
     * replication role's and the superuser's passwords, for any member.
     */
    private void writePasswordFiles(MachineNode node) {
        node.write("pgpass", "*:*:*:" + MachineCluster.REPLICATION_ROLE + ":" + replicationPassword + "\n"
                + "*:*:*:" + MachineCluster.SUPERUSER + ":" + password + "\n");
    }
}
