package dev.hotstandby.backend.machines;

import dev.hotstandby.engine.JvmOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs a JVM that is gone left on a machine (killed with kill -9 before its teardown): servers,
 * firewall rules, tc classes, authorized keys and run directories on hosts that are only borrowed. Each run
 * directory names its JVM, the machine that JVM ran on and the run's marker in an
 * {@value #OWNER_FILE} file; the next cluster's start on the host, before it provisions anything,
 * removes every run whose JVM ran on this machine and no longer runs. A JVM on another machine is
 * never judged: its pids mean nothing here.
 */
final class StaleSshRuns {
    static final String OWNER_FILE = "hotstandby-owner";
    /** Every run directory is {@code <RUN_DIRS><marker>-<node>}. */
    static final String RUN_DIRS = "/var/tmp/";
    private static final String THIS_MACHINE = machineId();

    private StaleSshRuns() {
    }

    /** A shell line writing the owner file into a new run directory. */
    static String markOwned(String runDir, String marker) {
        return "printf '%s\\n' " + Sh.quote(JvmOwner.current() + " " + THIS_MACHINE + " " + marker)
                + " | sudo -n tee " + Sh.quote(runDir + "/" + OWNER_FILE) + " >/dev/null";
    }

    /** Never fails the start: what cannot be removed now is tried again at the next one. */
    static void reap(SshConnection ssh) {
        SshConnection.Result owners = ssh.run("sudo -n sh -c " + Sh.quote("for f in " + RUN_DIRS + "hotstandby-*/" + OWNER_FILE
                + "; do [ -f \"$f\" ] && echo \"${f%/*} $(head -n 1 \"$f\")\"; done; true"), new byte[0], Duration.ofMinutes(1));
        for (String line : owners.out().split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length == 4 && fields[2].equals(THIS_MACHINE) && JvmOwner.isGone(fields[1])) {
                remove(ssh, fields[0], fields[3]);
            }
        }
    }

    /** Its processes first (by working directory: a postmaster and its children run in the data directory). */
    private static void remove(SshConnection ssh, String runDir, String marker) {
        stopServers(ssh, runDir);
        Partitions.removeRules(ssh, marker);
        LinkShaping.removeRecorded(ssh, runDir);
        WalShipping.removeKeys(ssh, marker, runDir);
        ssh.run("sudo -n rm -rf " + Sh.quote(runDir), new byte[0], Duration.ofMinutes(2));
    }

    /**
     * SIGQUIT, an immediate shutdown as {@code pg_ctl -m immediate} sends; SIGKILL to whatever is left
     * after 10 s. As postgres: root without CAP_SYS_PTRACE (a container) cannot read another user's
     * working directory.
     */
    private static void stopServers(SshConnection ssh, String runDir) {
        ssh.run("sudo -n -u postgres sh -c " + Sh.quote(String.join("\n",
                "data=$(readlink -f " + Sh.quote(runDir + "/data") + ") || exit 0",
                "pids() { for p in /proc/[0-9]*; do [ \"$(readlink \"$p/cwd\" 2>/dev/null)\" = \"$data\" ] && echo \"${p#/proc/}\"; done; }",
                "kill -QUIT $(pids) 2>/dev/null",
                "for i in $(seq 1 100); do [ -z \"$(pids)\" ] && exit 0; sleep 0.1; done",
                "kill -KILL $(pids) 2>/dev/null; true")), new byte[0], Duration.ofMinutes(1));
    }

    /** The test JVM's machine: its systemd machine id, else its host name. */
    private static String machineId() {
        for (String file : new String[] {"/etc/machine-id", "/var/lib/dbus/machine-id", "/proc/sys/kernel/hostname"}) {
            try {
                String id = Files.readString(Path.of(file)).strip();
                if (id.matches("[A-Za-z0-9._-]+")) {
                    return id;
                }
            } catch (IOException | RuntimeException unreadable) {
                // the next source
            }
        }
        return "unknown";
    }
}
