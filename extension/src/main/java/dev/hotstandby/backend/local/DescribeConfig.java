package dev.hotstandby.backend.local;

import dev.hotstandby.engine.ParameterCatalog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parameter catalog of a build of binaries, from {@code postgres --describe-config}: read once per
 * build ({@link PostgresBinaries#key()}) and kept for the JVM's life. {@code --describe-config} needs
 * no data directory and, unlike a server start, runs as root (checked on 11 to 18), so it runs as it
 * is; only should it fail does it run again through {@link Rootless}.
 */
final class DescribeConfig {
    private static final Map<String, ParameterCatalog> BY_BUILD = new ConcurrentHashMap<>();

    private DescribeConfig() {
    }

    /** The parameters of {@code binaries}, from a cache after the first call for the same build. */
    static ParameterCatalog catalog(PostgresBinaries binaries) {
        return BY_BUILD.computeIfAbsent(binaries.key(), key -> read(binaries));
    }

    private static ParameterCatalog read(PostgresBinaries binaries) {
        List<String> command = List.of(binaries.executable("postgres").toString(), "--describe-config");
        Commands.Result described = Commands.run(command);
        if (!described.succeeded()) {
            described = Commands.run(Rootless.wrap(command));
        }
        if (!described.succeeded()) {
            throw new IllegalStateException("postgres --describe-config of " + binaries.origin() + " failed (exit "
                    + described.exitCode() + "): " + described.output().trim());
        }
        return ParameterCatalog.parseDescribeConfig(described.output(),
                "PostgreSQL " + binaries.major() + " (" + binaries.origin() + ")");
    }
}
