package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import dev.hotstandby.Backend;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.ClusterBackend;
import dev.hotstandby.engine.EngineCluster;
import dev.hotstandby.engine.Lifetime;
import dev.hotstandby.engine.ParameterCatalog;
import dev.hotstandby.engine.ReuseEntry;
import dev.hotstandby.engine.RunningCluster;
import java.util.Optional;
import java.util.Set;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link dev.hotstandby.Backend#CONTAINERS}: every node a container of a PostgreSQL image that
 * follows the official {@code postgres} image's contract, on a Docker network of the cluster's own,
 * through Testcontainers. Without Docker it throws {@link dev.hotstandby.BackendUnavailableException}
 * (the JUnit extension skips the class). Every start first removes what JVMs that are gone left,
 * then finds (or, once per Docker daemon, makes) the template image its nodes start from.
 */
public final class ContainersBackend implements ClusterBackend {

    @Override
    public Set<Backend> serves() {
        return Set.of(Backend.CONTAINERS);
    }

    @Override
    public RunningCluster start(ClusterSpec spec) {
        return start(spec, Lifetime.JVM);
    }

    /**
     * Container clusters can be kept: their containers, networks and volume outlive the JVM, and the
     * entry's watchdog removes them with the docker command, which must be on the PATH.
     */
    @Override
    public Optional<String> cannotReuse(ClusterSpec spec) {
        return KeptClusterTeardown.dockerCommand().isPresent() ? Optional.empty()
                : Optional.of("on Backend.CONTAINERS " + KeptClusterTeardown.whyNot());
    }

    @Override
    public RunningCluster start(ClusterSpec spec, Lifetime lifetime) {
        PostgresImage image = PostgresImage.of(spec);
        DockerClient client = DockerAvailability.require(spec);
        StaleContainerReaper.reap(client);
        image.whyUnavailable(client).ifPresent(reason -> {
            throw new ClusterStartException(spec.owner() + ": " + reason + ". Pull or build it (`docker pull " + image
                    + "`), or choose another image that follows the official postgres image's contract with image = \"...\""
                    + " or -D" + ClusterSpec.IMAGE_PROPERTY + "=...");
        });
        DockerImageName template;
        try {
            template = TemplateImages.obtain(spec, client, image, NodeContainers.contract(spec));
        } catch (RuntimeException e) {
            throw new ClusterStartException(spec.owner() + ": the cluster did not start on image " + image + ": "
                    + e.getMessage() + "\n(nothing of it was left: the container making its template image is removed)", e);
        }
        // unknown names, with "did you mean", before any container of the cluster exists
        ParameterCatalog parameters = TemplateImages.parameters(client, template, spec.major(), image);
        parameters.requireSettable(spec.settings().names(), spec.owner());
        return EngineCluster.start(ContainerCluster.create(spec, client, image, template, parameters, lifetime), lifetime);
    }

    /** The containers an earlier run kept in the entry, running, reached again; empty where any of them is gone. */
    @Override
    public Optional<RunningCluster> attach(ClusterSpec spec, ReuseEntry entry) {
        DockerClient client = DockerAvailability.require(spec);
        return ContainerCluster.attach(spec, client, PostgresImage.of(spec), entry)
                .map(cluster -> EngineCluster.attach(cluster, entry));
    }
}
