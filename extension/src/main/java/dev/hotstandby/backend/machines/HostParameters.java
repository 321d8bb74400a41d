package dev.hotstandby.backend.machines;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.engine.ParameterCatalog;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server parameters of a machine's PostgreSQL, from its {@code postgres --describe-config}, so
 * that a setting's unknown name fails with the nearest names before the cluster's run directory or
 * servers exist on any machine. Read once per host and binaries directory for the life of the JVM; a
 * host is its pinned host key where there is one (a Vagrant machine's forwarded port is reused by the
 * next machine, its key is not), else its SSH address.
 */
final class HostParameters {
    private static final Map<String, ParameterCatalog> BY_HOST = new ConcurrentHashMap<>();

    private HostParameters() {
    }

    /** Throws {@link dev.hotstandby.ClusterConfigurationException} naming each unknown name and the nearest ones. */
    static void requireSettable(SshConnection ssh, PostgresInstallation installation, ClusterSpec spec) {
        if (spec.settings().names().isEmpty()) {
            return;
        }
        Machine machine = ssh.machine();
        String host = machine.hostKeys().pinnedLine().orElse(machine.sshHost() + ":" + machine.sshPort())
                + " " + installation.bindir();
        BY_HOST.computeIfAbsent(host, key -> ParameterCatalog.parseDescribeConfig(
                        ssh.check(Sh.quote(installation.binary("postgres")) + " --describe-config"),
                        "PostgreSQL " + installation.major() + " (postgres --describe-config of " + installation.bindir()
                                + " on the " + machine.name() + " machine)"))
                .requireSettable(spec.settings().names(), spec.owner());
    }
}
