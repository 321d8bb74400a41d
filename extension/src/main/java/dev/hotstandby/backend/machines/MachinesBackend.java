package dev.hotstandby.backend.machines;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.engine.ClusterBackend;
import dev.hotstandby.engine.EngineCluster;
import dev.hotstandby.engine.Lifetime;
import dev.hotstandby.engine.ReuseEntry;
import dev.hotstandby.engine.RunningCluster;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Backend#VAGRANT} and {@link Backend#SSH}: one node per machine, PostgreSQL provisioned
 * over SSH (sshj) from the machine's own distribution packages. Vagrant machines are made for the
 * cluster and destroyed after it (or kept for the next run); existing hosts are only borrowed.
 */
public final class MachinesBackend implements ClusterBackend {

    @Override
    public Set<Backend> serves() {
        return Set.of(Backend.VAGRANT, Backend.SSH);
    }

    @Override
    public RunningCluster start(ClusterSpec spec) {
        return start(spec, Lifetime.JVM);
    }

    /**
     * Vagrant machines can be kept: made for the cluster, they are removed whole by the entry's
     * watchdog. Existing hosts cannot: they are borrowed, and servers left on them with no JVM of
     * ours would be stopped by nothing but the next start there.
     */
    @Override
    public Optional<String> cannotReuse(ClusterSpec spec) {
        return spec.backend() == Backend.VAGRANT ? Optional.empty()
                : Optional.of("Backend.SSH keeps no cluster for the next run: its hosts are only borrowed, and nothing"
                        + " without a JVM of ours would stop servers left on them");
    }

    @Override
    public RunningCluster start(ClusterSpec spec, Lifetime lifetime) {
        if (lifetime.reuse().isPresent()) {
            cannotReuse(spec).ifPresent(reason -> {
                throw new UnsupportedOperationException(reason);
            });
        }
        ProvidedMachines machines = spec.backend() == Backend.VAGRANT
                ? VagrantMachines.up(spec, System.getProperties(), lifetime.reuse().orElse(null))
                : ExistingHosts.of(spec, System.getProperties());
        return EngineCluster.start(MachineCluster.prepare(spec, machines), lifetime);
    }

    /** The Vagrant machines an earlier run kept in the entry, logged in to again; empty where their work directory is gone. */
    @Override
    public Optional<RunningCluster> attach(ClusterSpec spec, ReuseEntry entry) {
        if (spec.backend() != Backend.VAGRANT) {
            return Optional.empty();
        }
        java.util.Properties record = entry.record();
        return VagrantMachines.attached(record, spec.nodeNames()).map(machines -> {
            MachineCluster cluster = MachineCluster.attach(spec, machines, record);
            dev.hotstandby.engine.StartupTrace.mark("machines logged in to again");
            try {
                return EngineCluster.attach(cluster, entry);
            } catch (RuntimeException | Error failure) {
                cluster.detach();   // this JVM's connections only: the caller removes the machines with the entry
                throw failure;
            }
        });
    }
}
