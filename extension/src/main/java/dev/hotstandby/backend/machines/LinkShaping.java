package dev.hotstandby.backend.machines;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * delayLink, limitLink and resetLink on machines, in each machine's kernel: on both ends of the
 * link, the packets to the other end's private address go through an HTB class of their own (a u32
 * filter on the address; the class's rate is the cap, else 10 Gbit/s), with a netem qdisc under it
 * for a delay. Everything else on the interface, SSH included, passes the HTB root unclassified, at
 * full speed. A reset is {@code ss -K} on the standby's connections to its upstream's server: the
 * kernel aborts them with an RST (CONFIG_INET_DIAG_DESTROY).
 *
 * <p>Each machine's run directory lists what this run added there ({@value #STATE_FILE}), so teardown,
 * and after a killed JVM the next start ({@link StaleSshRuns}), remove exactly that; the HTB root goes
 * once no class is left under it (the kernel then puts back the interface's default qdisc).
 */
final class LinkShaping {
    static final String STATE_FILE = "hotstandby-tc";
    /** The HTB root's handle ("7e57:"), the same for every run: classes of several runs share it. */
    private static final String ROOT = "7e57";
    private static final long UNCAPPED_BITS = 10_000_000_000L;
    private static final int NETEM_MISSING = 93;
    private static final int TC_MISSING = 94;

    private final String marker;
    private final Map<String, Shape> shapes = new ConcurrentHashMap<>();

    private record Shape(Duration delay, long bytesPerSecond) {
        static final Shape NONE = new Shape(Duration.ZERO, 0);

        boolean isNone() {
            return delay.isZero() && bytesPerSecond == 0;
        }
    }

    LinkShaping(String marker) {
        this.marker = marker;
    }

    synchronized void delay(MachineNode standby, MachineNode upstream, Duration oneWay) {
        Shape before = shape(standby, upstream);
        Shape after = new Shape(oneWay, before.bytesPerSecond());
        try {
            apply(standby, upstream, after);
        } catch (NetemMissing missing) {
            apply(standby, upstream, before);
            throw new UnsupportedOperationException("delayLink(" + standby.name() + ") is not available on "
                    + missing.machine + ": its kernel has no netem qdisc, which delays packets (sch_netem is missing:"
                    + " CONFIG_NET_SCH_NETEM is not set, or the module cannot be loaded there). limitLink (tc htb) and"
                    + " resetLink (ss -K) work on it; a delay needs a kernel with sch_netem.");
        }
    }

    synchronized void limit(MachineNode standby, MachineNode upstream, long bytesPerSecond) {
        apply(standby, upstream, new Shape(shape(standby, upstream).delay(), bytesPerSecond));
    }

    /** Aborts the standby's connections to its upstream's server; fails if there was none to abort. */
    void reset(MachineNode standby, MachineNode upstream) {
        String filter = "dst " + upstream.replicationHost() + " and dport = :" + upstream.replicationPort();
        SshConnection.Result killed = standby.ssh().run("sudo -n ss -K -t -n -H " + filter, new byte[0], Duration.ofMinutes(1));
        if (!killed.ok() || killed.out().isBlank()) {
            throw new UnsupportedOperationException("resetLink(" + standby.name() + "): `ss -K " + filter + "` on "
                    + standby.machine() + " aborted no connection" + (killed.ok() ? "" : " (" + killed.err().strip() + ")")
                    + ": it needs ss (iproute2) and a kernel with CONFIG_INET_DIAG_DESTROY");
        }
    }

    private Shape shape(MachineNode standby, MachineNode upstream) {
        return shapes.getOrDefault(key(standby, upstream), Shape.NONE);
    }

    private void apply(MachineNode standby, MachineNode upstream, Shape shape) {
        // both directions: the standby's end shapes what it sends, the upstream's end what it streams
        applyOn(standby, upstream.replicationHost(), shape);
        try {
            applyOn(upstream, standby.replicationHost(), shape);
        } catch (RuntimeException failed) {
            applyOn(standby, upstream.replicationHost(), shape(standby, upstream));
            throw failed;
        }
        if (shape.isNone()) {
            shapes.remove(key(standby, upstream));
        } else {
            shapes.put(key(standby, upstream), shape);
        }
    }

    /** Shapes what {@code node}'s machine sends to {@code peer}: replaces this run's class for it, or removes it. */
    private void applyOn(MachineNode node, String peer, Shape shape) {
        int minor = minor(peer);
        String state = node.runDir() + "/" + STATE_FILE;
        StringBuilder script = new StringBuilder(String.join("\n",
                "command -v tc >/dev/null || exit " + TC_MISSING,
                "dev=$(ip -o route get " + peer + " | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p')",
                "[ -n \"$dev\" ] || { echo \"no route to " + peer + "\" >&2; exit 1; }",
                removal("$dev", minor),
                "sed -i \"/^$dev " + minor + "\\$/d\" " + Sh.quote(state) + " 2>/dev/null",
                ""));
        if (shape.isNone()) {
            script.append(removeIdleRoot("$dev")).append('\n');
        } else {
            long bits = shape.bytesPerSecond() == 0 ? UNCAPPED_BITS : shape.bytesPerSecond() * 8;
            String classId = ROOT + ":" + Integer.toHexString(minor);
            script.append(String.join("\n",
                    "set -e",
                    "tc qdisc show dev \"$dev\" root | grep -q 'htb " + ROOT + ":' || tc qdisc replace dev \"$dev\" root handle "
                            + ROOT + ": htb",
                    "echo \"$dev " + minor + "\" >> " + Sh.quote(state),
                    "tc class add dev \"$dev\" parent " + ROOT + ": classid " + classId + " htb rate " + bits + "bit ceil "
                            + bits + "bit quantum 60000",   // an explicit quantum: HTB's own, from the rate, is out of range at 10 Gbit/s
                    shape.delay().isZero() ? "" : "err=$(tc qdisc add dev \"$dev\" parent " + classId + " handle "
                            + Integer.toHexString(minor) + ": netem delay " + shape.delay().toNanos() / 1000 + "us limit 100000"
                            + " 2>&1) || { case \"$err\" in *nknown*|*'not found'*) " + removal("$dev", minor) + "; exit "
                            + NETEM_MISSING + ";; esac; echo \"$err\" >&2; exit 1; }",
                    "tc filter add dev \"$dev\" parent " + ROOT + ": protocol ip prio " + minor + " u32 match ip dst " + peer
                            + "/32 flowid " + classId,
                    ""));
        }
        SshConnection.Result result = node.ssh().run("sudo -n sh -c " + Sh.quote(script.toString()), new byte[0],
                Duration.ofMinutes(1));
        if (result.exitStatus() == NETEM_MISSING) {
            throw new NetemMissing(node.machine().toString());
        }
        if (result.exitStatus() == TC_MISSING) {
            throw new UnsupportedOperationException("delayLink and limitLink need tc (iproute2) on " + node.machine()
                    + ", which has none: install it there (Debian: apt-get install iproute2)");
        }
        if (!result.ok()) {
            throw new IllegalStateException(node.machine() + ": shaping the link to " + peer + " failed with status "
                    + result.exitStatus() + ": " + result.err().strip());
        }
    }

    /** Removes this run's shaping from the node's machine; for teardown, never fails. */
    void removeAll(MachineNode node) {
        removeRecorded(node.ssh(), node.runDir());
    }

    /** Removes what the run of {@code runDir} recorded in its state file; also for the runs of a JVM that is gone. */
    static void removeRecorded(SshConnection ssh, String runDir) {
        String state = Sh.quote(runDir + "/" + STATE_FILE);
        ssh.run("sudo -n sh -c " + Sh.quote(String.join("\n",
                "[ -f " + state + " ] || exit 0",
                "while read -r dev minor; do " + removal("$dev", "$minor") + "; done < " + state,
                "for dev in $(cut -d' ' -f1 " + state + " | sort -u); do " + removeIdleRoot("$dev") + "; done",
                "rm -f " + state)), new byte[0], Duration.ofMinutes(1));
    }

    /** Removes a class and its filter (and the netem under it), if there. */
    private static String removal(String dev, Object minor) {
        // "|| true" on each: the script may run under set -e
        return "{ tc filter del dev \"" + dev + "\" parent " + ROOT + ": prio " + minor + " 2>/dev/null || true;"
                + " tc class del dev \"" + dev + "\" classid " + ROOT + ":$(printf %x " + minor + ") 2>/dev/null || true; }";
    }

    private static String removeIdleRoot(String dev) {
        return "{ tc qdisc show dev \"" + dev + "\" root | grep -q 'htb " + ROOT + ":' && [ -z \"$(tc class show dev \""
                + dev + "\")\" ] && tc qdisc del dev \"" + dev + "\" root; true; }";
    }

    /** The class of this run's link to {@code peer}: its minor number, also the filter's priority. */
    private int minor(String peer) {
        return 1 + Math.floorMod((marker + " " + peer).hashCode(), 0xfff0);
    }

    private static String key(MachineNode standby, MachineNode upstream) {
        return standby.name() + "->" + upstream.name();
    }

    private static final class NetemMissing extends RuntimeException {
        final String machine;

        NetemMissing(String machine) {
            super(machine + " has no netem qdisc", null, false, false);
            this.machine = machine;
        }
    }
}
