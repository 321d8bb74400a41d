package dev.hotstandby.backend.machines;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.ClusterBackend;
import dev.hotstandby.engine.EngineCluster;
import dev.hotstandby.engine.Lifetime;
import dev.hotstandby.engine.NodeLog;
import dev.hotstandby.engine.ReuseEntry;
import dev.hotstandby.engine.RunningCluster;
import dev.hotstandby.engine.StartupTrace;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Backend#VAGRANT} and {@link Backend#SSH}: one node per machine, PostgreSQL provisioned
 * over SSH (sshj) from the machine's own distribution packages. Vagrant machines are made for the
 * cluster and destroyed after it, or serve the JVM's next cluster ({@link IdleVagrantMachines}), or are
 * kept for the next run; existing hosts are only borrowed.
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
        if (spec.backend() == Backend.SSH) {
            return EngineCluster.start(MachineCluster.prepare(spec, ExistingHosts.of(spec, System.getProperties())), lifetime);
        }
        StartupTrace.mark("machines asked for");
        VagrantMachines machines = VagrantMachines.up(spec, System.getProperties(), lifetime.reuse().orElse(null));
        StartupTrace.mark(machines.wasIdle() ? "machines taken from a closed cluster" : "machines up");
        MachineCluster prepared;
        try {
            prepared = MachineCluster.prepare(spec, machines);
            StartupTrace.mark("machines prepared");
        } catch (ClusterStartException idleMachinesFailed) {
            if (!machines.wasIdle()) {
                throw idleMachinesFailed;
            }
            // another cluster's machines, kept up meanwhile, and gone bad (the close destroyed them): new ones
            NodeLog.forCluster(spec.owner()).warn("the Vagrant machines of an earlier cluster could not be used ("
                    + idleMachinesFailed.getMessage().lines().findFirst().orElse("") + "); starting new ones");
            prepared = MachineCluster.prepare(spec, VagrantMachines.up(spec, System.getProperties(), null));
        }
        return EngineCluster.start(prepared, lifetime);
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
            StartupTrace.mark("machines logged in to again");
            try {
                return EngineCluster.attach(cluster, entry);
            } catch (RuntimeException | Error failure) {
                cluster.detach();   // this JVM's connections only: the caller removes the machines with the entry
                throw failure;
            }
        });
    }
}
