package dev.hotstandby.backend.machines;

import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.SshHosts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** {@link dev.hotstandby.Backend#SSH}: hosts that exist already; the cluster's teardown leaves them as they were. */
final class ExistingHosts implements ProvidedMachines {
    private final List<Machine> machines;

    private ExistingHosts(List<Machine> machines) {
        this.machines = machines;
    }

    /** The spec's hosts, or those of the file {@value SshHosts#PROPERTY} names; validated before any connection. */
    static ExistingHosts of(ClusterSpec spec, Properties properties) {
        SshHosts hosts = spec.hosts();
        if (hosts == null) {
            String file = properties.getProperty(SshHosts.PROPERTY, "").trim();
            if (file.isEmpty()) {
                throw new ClusterConfigurationException(spec.owner() + ": Backend.SSH needs hosts: pass them with"
                        + " PostgresCluster.builder().hosts(SshHosts.of(...)) or name a hosts file with -D" + SshHosts.PROPERTY
                        + "=/path/hosts.properties (see SshHosts)");
            }
            hosts = SshHosts.load(Path.of(file));
        }
        hosts.validate(spec.owner(), spec.standbys());
        HostKeys knownHosts = HostKeys.knownHosts(hosts.knownHosts());
        List<Machine> machines = new ArrayList<>();
        for (int i = 0; i < hosts.hosts().size(); i++) {
            SshHosts.Host host = hosts.hosts().get(i);
            String name = i == 0 ? ClusterSpec.PRIMARY_NAME : ClusterSpec.standbyName(i - 1);
            machines.add(new Machine(name, host.sshHost(), host.sshPort(), hosts.user(), hosts.key(), knownHosts, host.address()));
        }
        return new ExistingHosts(machines);
    }

    @Override
    public List<Machine> machines() {
        return machines;
    }

    @Override
    public Optional<String> release(boolean keepEvidence, boolean leftAsFound) {
        return Optional.empty();
    }
}
