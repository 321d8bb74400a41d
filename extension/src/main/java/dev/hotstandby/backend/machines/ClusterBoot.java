package dev.hotstandby.backend.machines;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Brings a cluster up on provisioned machines, as the seed did by hand: initdb on the primary with
 * configs/ applied, the replication role, then a {@code pg_basebackup} of its upstream on every
 * standby over the private network, standby settings, start; returns once every standby streams.
 */
final class ClusterBoot {
    private final ClusterSpec spec;
    private final MachineTopology topology;
    private final NodeFiles files;
    private final NodeSql sql;
    private final String password;
    private final String replicationPassword;

    ClusterBoot(ClusterSpec spec, MachineTopology topology, NodeFiles files, NodeSql sql, String password,
                String replicationPassword) {
        this.spec = spec;
        this.topology = topology;
        this.files = files;
        this.sql = sql;
        this.password = password;
        this.replicationPassword = replicationPassword;
    }

    /** A directory of this run on the node's machine (owned by postgres, private) and a free port there. */
    static int prepare(SshConnection ssh, String runDir) {
        String port = ssh.check(String.join("\n",
                "sudo -n install -d -o postgres -g postgres -m 700 " + Sh.quote(runDir) + " " + Sh.quote(runDir + "/archive"),
                // listening TCP ports (state 0A) from /proc, which every Linux has; the first free one from a random start
                "used=$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == \"0A\" { split($2, a, \":\"); print a[2] }')",
                "p=" + (54320 + ThreadLocalRandom.current().nextInt(1000)),
                "while echo \"$used\" | grep -qix \"$(printf '%04X' \"$p\")\"; do p=$((p + 1)); done",
                "echo \"$p\"")).strip();
        return Integer.parseInt(port);
    }

    void bootPrimary(MachineNode primary, List<String> memberAddresses) {
        writePasswordFiles(primary);
        primary.asPostgres(Sh.quote(primary.installation().binary("initdb")) + " -D data -U " + NodeFiles.SUPERUSER
                + " -E UTF8 --no-locale --auth-local=peer --auth-host=scram-sha-256 --pwfile=superuser.pw"
                // 1 MB WAL segments, as the other backends' clusters: archiving ships a segment as soon as it fills
                + (spec.major() >= 11 ? " --wal-segsize=1" : "") + " >initdb.log 2>&1"
                + " && rm superuser.pw");
        files.configurePrimary(primary, memberAddresses);
        primary.start(spec.startTimeout());
        primary.forwardPort();
        sql.single(primary, "CREATE ROLE " + NodeFiles.REPLICATION_ROLE + " WITH REPLICATION LOGIN PASSWORD '"
                + replicationPassword + "'");
    }

    /**
     * The standby's data directory from a base backup of its upstream, taken on the standby's own
     * machine over the private network, as the replication role.
     */
    void bootStandby(MachineNode standby, MachineNode upstream) {
        writePasswordFiles(standby);
        baseBackup(standby, upstream);
        files.configureStandby(standby, upstream);
        standby.start(spec.startTimeout());
        standby.forwardPort();
    }

    void baseBackup(MachineNode standby, MachineNode upstream) {
        SshConnection.Result backup = standby.tryAsPostgres("rm -rf data && " + Sh.quote(standby.installation().binary("pg_basebackup"))
                + " -h " + Sh.quote(upstream.address()) + " -p " + upstream.serverPort() + " -U " + NodeFiles.REPLICATION_ROLE
                + " -w -D data -X stream -c fast");
        if (!backup.ok()) {
            throw new ClusterStartException(standby.name() + ": pg_basebackup of " + upstream.name() + " (" + upstream.address()
                    + ":" + upstream.serverPort() + ") failed: " + backup.err().strip());
        }
    }

    /** Every standby's WAL receiver streams: the start contract of every backend. */
    void awaitStreaming(List<MachineNode> standbys) {
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        for (MachineNode standby : standbys) {
            String status;
            while (!"streaming".equals(status = sql.poll(standby, "SELECT status FROM pg_stat_wal_receiver"))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ClusterStartException(standby.name() + " did not stream from "
                            + topology.upstreamOf(standby).name() + " within " + spec.startTimeout() + " (its WAL receiver: "
                            + (status == null ? "not running" : status) + ")\n" + String.join("\n", standby.logTail(20)));
                }
                NodeSql.pause(20);
            }
        }
    }

    /**
     * The libpq password file every server process and tool of this node reads (PGPASSFILE): the
     * replication role's and the superuser's passwords, for any member. Plus, once, the superuser's
     * password for initdb, which deletes it after use.
     */
    private void writePasswordFiles(MachineNode node) {
        node.write("pgpass", "*:*:*:" + NodeFiles.REPLICATION_ROLE + ":" + replicationPassword + "\n"
                + "*:*:*:" + NodeFiles.SUPERUSER + ":" + password + "\n");
        if (node.isPrimary()) {
            node.write("superuser.pw", password + "\n");
        }
    }
}
