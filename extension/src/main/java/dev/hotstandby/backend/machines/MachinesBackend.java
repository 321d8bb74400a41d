package dev.hotstandby.backend.machines;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.engine.ClusterBackend;
import dev.hotstandby.engine.EngineCluster;
import dev.hotstandby.engine.RunningCluster;
import java.util.Set;

/**
 * {@link Backend#VAGRANT} and {@link Backend#SSH}: one node per machine, PostgreSQL provisioned
 * over SSH (sshj) from the machine's own distribution packages. Vagrant machines are made for the
 * cluster and destroyed after it; existing hosts are only borrowed.
 */
public final class MachinesBackend implements ClusterBackend {

    @Override
    public Set<Backend> serves() {
        return Set.of(Backend.VAGRANT, Backend.SSH);
    }

    @Override
    public RunningCluster start(ClusterSpec spec) {
        ProvidedMachines machines = spec.backend() == Backend.VAGRANT
                ? VagrantMachines.up(spec, System.getProperties())
                : ExistingHosts.of(spec, System.getProperties());
        return EngineCluster.start(MachineCluster.prepare(spec, machines));
    }
}
