package dev.hotstandby.engine;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterSpec;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** The {@link ClusterBackend} on the classpath that runs a spec's {@link Backend}. */
public final class Backends {
    /**
     * What each backend needs beside the core, which a project on the local backend alone does not
     * get (optional dependencies of hotstandby-junit): the artifact to add, and a class it has.
     */
    private static final Map<Backend, Dependency> NEEDS = Map.of(
            Backend.CONTAINERS, new Dependency("org.testcontainers:testcontainers", "2.0.5; 1.21 works too",
                    "org.testcontainers.DockerClientFactory"),
            Backend.VAGRANT, new Dependency("com.hierynomus:sshj", "0.40.0", "net.schmizz.sshj.SSHClient"),
            Backend.SSH, new Dependency("com.hierynomus:sshj", "0.40.0", "net.schmizz.sshj.SSHClient"));

    private record Dependency(String coordinates, String version, String probeClass) {
        boolean isPresent() {
            try {
                Class.forName(probeClass, false, Backends.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError missing) {
                return false;
            }
        }
    }

    /**
     * The implementations this artifact ships, tried by name before {@link ServiceLoader}: finding
     * them through it reads every jar of the classpath for its service files (about 0.2 s in a fresh
     * JVM on this project's test classpath), where one class load suffices.
     */
    private static final Map<Backend, String> BUILT_IN = Map.of(
            Backend.LOCAL, "dev.hotstandby.backend.local.LocalBackend",
            Backend.CONTAINERS, "dev.hotstandby.backend.containers.ContainersBackend",
            Backend.VAGRANT, "dev.hotstandby.backend.machines.MachinesBackend",
            Backend.SSH, "dev.hotstandby.backend.machines.MachinesBackend");

    private Backends() {
    }

    /** Fails before anything starts when no implementation on the classpath serves the spec's backend. */
    public static ClusterBackend forSpec(ClusterSpec spec) {
        Dependency needed = NEEDS.get(spec.backend());
        if (needed != null && !needed.isPresent()) {
            throw new ClusterConfigurationException(spec.owner() + ": Backend." + spec.backend() + " needs "
                    + needed.coordinates() + " on the test classpath, which has none of it: add it as a test dependency"
                    + " (hotstandby is built against " + needed.version() + "); the local backend needs nothing more");
        }
        ClusterBackend builtIn = builtIn(spec.backend());
        if (builtIn != null) {
            return builtIn;
        }
        StringBuilder unloadable = new StringBuilder();
        for (ServiceLoader.Provider<ClusterBackend> provider : ServiceLoader.load(ClusterBackend.class,
                Backends.class.getClassLoader()).stream().toList()) {
            try {
                ClusterBackend candidate = provider.get();
                if (candidate.serves().contains(spec.backend())) {
                    return candidate;
                }
            } catch (ServiceConfigurationError | LinkageError missingDependency) {
                unloadable.append("; ").append(missingDependency.getMessage());
            }
        }
        throw new ClusterConfigurationException(spec.owner() + ": no implementation of backend " + spec.backend()
                + " is on the classpath (META-INF/services/" + ClusterBackend.class.getName() + ")" + unloadable);
    }

    /** The shipped implementation of {@code backend}, or null (then {@link ServiceLoader} looks). */
    private static ClusterBackend builtIn(Backend backend) {
        String className = BUILT_IN.get(backend);
        if (className == null) {
            return null;
        }
        try {
            ClusterBackend candidate = Class.forName(className, true, Backends.class.getClassLoader())
                    .asSubclass(ClusterBackend.class).getConstructor().newInstance();
            return candidate.serves().contains(backend) ? candidate : null;
        } catch (ReflectiveOperationException | LinkageError | ClassCastException notHere) {
            return null;
        }
    }
}
