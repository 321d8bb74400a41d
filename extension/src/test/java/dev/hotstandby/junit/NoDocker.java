package dev.hotstandby.junit;

import java.lang.reflect.Field;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Plays a machine without Docker through the containers backend's own probe seam
 * ({@code DockerAvailability.probe}, package-private there, hence reflection), so these tests run
 * the same with or without a Docker daemon.
 */
final class NoDocker implements AutoCloseable {
    static final String REASON = "Testcontainers found no Docker environment (played by NoDocker)";

    private final Field probe;
    private final Object real;

    private NoDocker() throws ReflectiveOperationException {
        probe = Class.forName("dev.hotstandby.backend.containers.DockerAvailability").getDeclaredField("probe");
        probe.setAccessible(true);
        real = probe.get(null);
        Supplier<Optional<String>> missing = () -> Optional.of(REASON);
        probe.set(null, missing);
    }

    static NoDocker play() throws ReflectiveOperationException {
        return new NoDocker();
    }

    @Override
    public void close() throws IllegalAccessException {
        probe.set(null, real);
    }
}
