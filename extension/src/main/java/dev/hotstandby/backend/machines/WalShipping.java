package dev.hotstandby.backend.machines;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * archiving = true, as the seed shipped WAL: each finished segment goes into the node's own archive
 * and, with rsync over SSH, into every other node's, so any standby restores from a local
 * directory and any node can archive once promoted. The SSH keys are made on each node for this
 * run (none is committed or reused), admitted on the others only from that node's address, and
 * the peers' host keys are pinned in a known_hosts file of the run. Removed again at teardown.
 */
final class WalShipping {
    private static final String SCRIPT = "ship-wal";
    private final String marker;

    WalShipping(String marker) {
        this.marker = marker;
    }

    /** The node's archive_command: its script, written by {@link #setUp}. */
    static String archiveCommand(MachineNode node) {
        return node.runDir() + "/" + SCRIPT + " %p %f";
    }

    void setUp(List<MachineNode> nodes) {
        Map<MachineNode, String> clientKeys = new LinkedHashMap<>();
        Map<MachineNode, List<String>> hostKeys = new LinkedHashMap<>();
        for (MachineNode node : nodes) {
            node.asPostgres("mkdir -p -m 700 ssh && ssh-keygen -q -t ed25519 -N '' -C " + Sh.quote(marker + "-" + node.name())
                    + " -f ssh/id_ed25519");
            clientKeys.put(node, node.read("ssh/id_ed25519.pub").strip());
            hostKeys.put(node, List.of(node.ssh().check("cat /etc/ssh/ssh_host_*_key.pub").strip().split("\n")));
        }
        for (MachineNode node : nodes) {
            List<MachineNode> peers = nodes.stream().filter(peer -> peer != node).toList();
            List<String> knownHosts = new ArrayList<>();
            StringBuilder authorized = new StringBuilder();
            for (MachineNode peer : peers) {
                hostKeys.get(peer).forEach(key -> knownHosts.add(peer.replicationHost() + " " + key.strip()));
                // only from the peer's address, no shell features; the trailing comment finds it at teardown
                authorized.append("from=\"").append(peer.replicationHost()).append("\",restrict ")
                        .append(clientKeys.get(peer).split("\\s+")[0]).append(' ')
                        .append(clientKeys.get(peer).split("\\s+")[1]).append(' ').append(marker).append('-')
                        .append(peer.name()).append('\n');
            }
            node.write("ssh/known_hosts", String.join("\n", knownHosts) + "\n");
            node.write(SCRIPT, script(node, peers));
            node.asPostgres("chmod 700 " + SCRIPT);
            if (peers.isEmpty()) {
                // a lone node archives into its own directory only; its host's keys stay untouched
                continue;
            }
            node.ssh().check("sudo -n -u postgres sh -c " + Sh.quote("h=$(getent passwd postgres | cut -d: -f6)"
                    + " && mkdir -p -m 700 \"$h/.ssh\" && cat >> \"$h/.ssh/authorized_keys\" && chmod 600 \"$h/.ssh/authorized_keys\""),
                    authorized.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), java.time.Duration.ofMinutes(1));
        }
    }

    /**
     * Removes this run's keys from the postgres user's authorized_keys and ends the shared SSH
     * connections still open; the run directory goes with the node.
     */
    void tearDown(MachineNode node) {
        removeKeys(node.ssh(), marker, node.runDir());
    }

    /** What {@link #tearDown} removes, by the run's marker and directory; also for the runs of a JVM that is gone. */
    static void removeKeys(SshConnection ssh, String marker, String runDir) {
        // "[/]": the pattern matches the ssh processes' command lines, never this shell's own
        String connections = "[/]" + runDir.substring(1) + "/ssh/";
        ssh.run("sudo -n -u postgres sh -c " + Sh.quote("h=$(getent passwd postgres | cut -d: -f6);"
                + " pkill -u postgres -f " + Sh.quote(connections) + ";"
                + " [ -f \"$h/.ssh/authorized_keys\" ] && sed -i '/ " + marker + "-/d' \"$h/.ssh/authorized_keys\" || true"),
                new byte[0], java.time.Duration.ofMinutes(1));
    }

    private String script(MachineNode node, List<MachineNode> peers) {
        // one SSH connection per peer, kept open a while and shared by the next segments' rsyncs: a
        // handshake per segment would let the archiver fall behind a busy primary
        String ssh = "ssh -i " + node.runDir() + "/ssh/id_ed25519 -o UserKnownHostsFile=" + node.runDir()
                + "/ssh/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5"
                + " -o ControlMaster=auto -o ControlPath=" + node.runDir() + "/ssh/%C -o ControlPersist=15";
        StringBuilder script = new StringBuilder("#!/bin/sh\n")
                .append("# hotstandby: archive_command of ").append(node.name()).append(" (").append(marker).append(").\n")
                .append("# A finished WAL segment into this node's archive, then with rsync over SSH into every other\n")
                .append("# node's; PostgreSQL retries the segment until every copy succeeded.\n")
                .append("set -e\n")
                .append("segment=\"$1\" name=\"$2\" archive=").append(Sh.quote(node.archiveDirectory())).append('\n')
                .append("[ -f \"$archive/$name\" ] || { cp \"$segment\" \"$archive/.$name\" && mv \"$archive/.$name\" \"$archive/$name\"; }\n");
        for (MachineNode peer : peers) {
            script.append("rsync --ignore-existing -e ").append(Sh.quote(ssh)).append(" \"$segment\" ")
                    .append(Sh.quote("postgres@" + peer.replicationHost() + ":" + peer.archiveDirectory() + "/")).append("\"$name\"\n");
        }
        return script.toString();
    }
}
