package dev.hotstandby.backend.machines;

/**
 * disconnect()/reconnect() on machines: iptables on the standby drops every packet to and from its
 * upstream's address, a real network partition while both servers and SSH (another address) stay
 * up. Each rule carries the cluster's marker, so teardown removes whatever a test left cut.
 */
final class Partitions {
    private final String marker;

    Partitions(String marker) {
        this.marker = marker;
    }

    void cut(MachineNode standby, MachineNode upstream) {
        standby.ssh().check(rules("-I", upstream.replicationHost()));
    }

    void heal(MachineNode standby, MachineNode upstream) {
        standby.ssh().check(rules("-D", upstream.replicationHost()));
    }

    /** Removes every rule of this cluster on the node's machine; for teardown, never fails. */
    void healAll(MachineNode node) {
        removeRules(node.ssh(), marker);
    }

    /** Every rule on the machine whose comment is {@code marker}; also for the runs of a JVM that is gone. */
    static void removeRules(SshConnection ssh, String marker) {
        // no `command -v iptables` first: a non-login SSH shell's PATH often lacks /usr/sbin, sudo's has it
        ssh.run("sudo -n iptables -w -S 2>/dev/null | grep -F -- " + Sh.quote(marker)
                + " | sed 's/^-A /-D /' | while read -r rule; do eval \"sudo -n iptables -w $rule\"; done",
                new byte[0], java.time.Duration.ofMinutes(1));
    }

    private String rules(String action, String address) {
        String comment = " -m comment --comment " + Sh.quote(marker);
        return "sudo -n iptables -w " + action + " INPUT -s " + Sh.quote(address) + comment + " -j DROP"
                + " && sudo -n iptables -w " + action + " OUTPUT -d " + Sh.quote(address) + comment + " -j DROP";
    }
}
