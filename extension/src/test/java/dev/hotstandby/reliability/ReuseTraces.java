package dev.hotstandby.reliability;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.engine.Backends;
import dev.hotstandby.engine.EvidenceRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What clusters kept for reuse ({@code hotstandby.reuse}) leave on this machine: their entries in the
 * registry, {@code <data root>/reuse/<configuration>/<entry>/}, the processes that name one (the local
 * backend's servers run in it, the entry's watchdog watches it), and the containers, networks and
 * volumes named after one.
 */
final class ReuseTraces {
    private ReuseTraces() {
    }

    /**
     * Ends this program with a message when the backend of {@code configuration} keeps no cluster
     * for the next run: a run would then only warn, and there would be nothing to count.
     */
    static void requireReuse(PostgresCluster.Builder configuration) {
        ClusterSpec spec = configuration.spec();
        Backends.forSpec(spec).cannotReuse(spec).ifPresent(cannot -> {
            System.out.println("nothing to count: " + cannot);
            System.exit(1);
        });
    }

    /** The entries the JVM {@code pid} holds now: its {@code holder-<pid>-<start ticks>} file is in them. */
    static List<Path> entriesHeldBy(long pid) throws IOException {
        Path registry = EvidenceRoot.dataRoot().resolve("reuse");
        if (!Files.isDirectory(registry)) {
            return List.of();
        }
        String holder = "holder-" + pid + "-";
        try (Stream<Path> files = Files.find(registry, 3, (path, attributes) -> path.getFileName().toString().startsWith(holder))) {
            return files.map(Path::getParent).toList();
        } catch (UncheckedIOException vanishedWhileListing) {
            return entriesHeldBy(pid);   // another run's entry went away under us
        }
    }

    /** {@code processes}: servers and watchdogs; {@code directories}: the configuration's and its entries (also those renamed for removal). */
    record Left(long processes, long directories, long dockerObjects) {
        long total() {
            return processes + directories + dockerObjects;
        }

        @Override
        public String toString() {
            return processes + " processes, " + directories + " registry directories, " + dockerObjects
                    + " containers/networks/volumes";
        }
    }

    /**
     * What is left of {@code entries} and of every other entry of their configurations: an entry one
     * of our runs made but never said would be counted too.
     */
    static Left of(Collection<Path> entries) throws IOException, InterruptedException {
        Set<Path> configurations = entries.stream().map(Path::getParent).collect(Collectors.toSet());
        long processes = ProcessHandle.allProcesses().filter(process -> {
            String line = process.info().commandLine().orElse("");
            return configurations.stream().anyMatch(configuration -> line.contains(configuration + "/"));
        }).count();
        long directories = 0;
        for (Path configuration : configurations) {
            try (Stream<Path> kept = Files.list(configuration)) {
                directories += 1 + kept.filter(Files::isDirectory).count();
            } catch (java.nio.file.NoSuchFileException removedWithItsLastEntry) {
                // nothing of it is left
            }
        }
        long dockerObjects = 0;
        for (Path entry : entries) {
            dockerObjects += DockerTraces.mentioning(entry.getFileName().toString());
        }
        return new Left(processes, directories, dockerObjects);
    }
}
