package dev.hotstandby.backend.local;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.engine.ClusterBackend;
import dev.hotstandby.engine.EngineCluster;
import dev.hotstandby.engine.Lifetime;
import dev.hotstandby.engine.ReuseEntry;
import dev.hotstandby.engine.NodeLog;
import dev.hotstandby.engine.RunningCluster;
import dev.hotstandby.engine.StartupTrace;
import java.util.Optional;
import java.util.Set;

/**
 * Clusters of local {@code postgres} processes: the embedded default. Binaries come from zonky's
 * jars (or an installed PostgreSQL), every node is a copy of a cached template data directory, and
 * standbys stream from the primary over its private Unix socket.
 */
public final class LocalBackend implements ClusterBackend {
    private static final int ATTEMPTS = 3;

    @Override
    public Set<Backend> serves() {
        return Set.of(Backend.LOCAL);
    }

    @Override
    public RunningCluster start(ClusterSpec spec) {
        return start(spec, Lifetime.JVM);
    }

    /** Local clusters can be kept: their servers run on after the JVM, their directory is the entry's. */
    @Override
    public Optional<String> cannotReuse(ClusterSpec spec) {
        return Optional.empty();
    }

    @Override
    public RunningCluster start(ClusterSpec spec, Lifetime lifetime) {
        StartupTrace.mark("backend found");
        Workspace workspace = Workspace.get();
        StartupTrace.mark("workspace chosen");
        PostgresBinaries binaries = new BinariesResolver(workspace).resolve(spec);
        StartupTrace.mark("binaries resolved");
        // unknown names, with "did you mean", before anything starts: the binaries list every parameter
        // (a process of its own, so only when there are names to check)
        if (!spec.settings().names().isEmpty()) {
            DescribeConfig.catalog(binaries).requireSettable(spec.settings().names(), spec.owner());
        }
        StartupTrace.mark("settings checked");
        Ownership.reapAbandoned(workspace);
        StartupTrace.mark("abandoned clusters reaped");
        PortReservations ports = new PortReservations(workspace.ports());
        Template template = new TemplateCache(workspace).obtain(binaries, ports,
                spec.settings().recordedInControlFile());
        StartupTrace.mark("template obtained");
        for (int attempt = 1; ; attempt++) {
            try {
                return EngineCluster.start(LocalCluster.create(spec, binaries, template, workspace, ports, lifetime), lifetime);
            } catch (PortCollision collision) {
                if (attempt == ATTEMPTS) {
                    throw new dev.hotstandby.ClusterStartException(spec.owner() + ": " + collision.getMessage()
                            + " in " + ATTEMPTS + " attempts", collision);
                }
                // a process outside hotstandby took a reserved port: rare, worth seeing when it happens
                NodeLog.forCluster(spec.owner()).warn(collision.getMessage() + "; starting again");
            }
        }
    }

    /**
     * The servers an earlier run left in the entry, adopted by their pids, on the ports they have
     * (reserved again here); empty where the directory is gone or the binaries are not the same.
     */
    @Override
    public Optional<RunningCluster> attach(ClusterSpec spec, ReuseEntry entry) {
        Workspace workspace = Workspace.get();
        PostgresBinaries binaries = new BinariesResolver(workspace).resolve(spec);
        Template template = new TemplateCache(workspace).obtain(binaries, new PortReservations(workspace.ports()),
                spec.settings().recordedInControlFile());
        StartupTrace.mark("binaries and template found");
        return LocalCluster.attach(spec, binaries, template, workspace, new PortReservations(workspace.ports()), entry)
                .map(cluster -> EngineCluster.attach(cluster, entry));
    }
}
