package dev.hotstandby.engine;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterSpec;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** The {@link ClusterBackend} on the classpath that runs a spec's {@link Backend}. */
public final class Backends {
    /** What each backend needs beside the core, for the message when it is missing. */
    private static final Map<Backend, String> NEEDS = Map.of(
            Backend.LOCAL, "dev.hotstandby:hotstandby-junit",
            Backend.CONTAINERS, "org.testcontainers:testcontainers",
            Backend.VAGRANT, "com.hierynomus:sshj",
            Backend.SSH, "com.hierynomus:sshj");

    private Backends() {
    }

    /** Fails before anything starts when no implementation on the classpath serves the spec's backend. */
    public static ClusterBackend forSpec(ClusterSpec spec) {
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
        throw new ClusterConfigurationException(spec.owner() + ": backend " + spec.backend() + " is not on the"
                + " classpath: add the dependency " + NEEDS.get(spec.backend()) + " to the test classpath" + unloadable);
    }
}
