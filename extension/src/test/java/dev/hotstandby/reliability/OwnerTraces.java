package dev.hotstandby.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What a JVM's clusters on the local backend leave under its owner name ({@code <pid>-<start millis>}). */
final class OwnerTraces {
    private OwnerTraces() {
    }

    /** The owner's directories wherever the local backend keeps clusters (tmpfs or the temp dir). */
    static long directories(String owner) throws IOException {
        long found = 0;
        for (Path root : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> paths = Files.find(root, 4, (path, attributes) -> attributes.isDirectory()
                    && path.getFileName() != null && path.getFileName().toString().equals(owner))) {
                found += paths.count();
            } catch (java.io.UncheckedIOException vanishedWhileListing) {
                // another run's directory went away under us; not ours
            }
        }
        return found;
    }

    /** postgres servers whose data directory lies in the owner's directory. */
    static long servers(String owner) {
        return ProcessHandle.allProcesses().filter(process -> process.info().commandLine().orElse("")
                .matches(".*/postgres -D \\S*/" + owner + "/.*")).count();
    }
}
