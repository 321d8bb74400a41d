package dev.hotstandby.backend.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The POSIX shared memory segments ({@code /dev/shm/PostgreSQL.*}) of a server about to be
 * killed. A server that shuts down unlinks them; a killed one leaves them, in RAM, until its data
 * directory starts again, which a kept failure never does. Read from the processes' memory maps
 * before the kill, removed after they are gone. A later start of the same directory tolerates
 * their absence: PostgreSQL then finds nothing left to clean.
 */
final class CrashedSharedMemory {
    private static final String PREFIX = "/dev/shm/PostgreSQL.";

    private final Set<Path> segments;

    private CrashedSharedMemory(Set<Path> segments) {
        this.segments = segments;
    }

    /** The segments the postmaster and its children have mapped now; none where /proc cannot tell. */
    static CrashedSharedMemory of(ProcessHandle postmaster, List<ProcessHandle> children) {
        Set<Path> found = new TreeSet<>();
        Stream.concat(Stream.of(postmaster), children.stream()).forEach(process -> found.addAll(mappedBy(process.pid())));
        return new CrashedSharedMemory(Set.copyOf(found));
    }

    Set<Path> segments() {
        return segments;
    }

    /** Once every process that had them mapped has exited. */
    void remove() {
        for (Path segment : segments) {
            try {
                Files.deleteIfExists(segment);
            } catch (IOException notOurs) {
                // another user's segment of the same name cannot be ours; nothing to release
            }
        }
    }

    private static Set<Path> mappedBy(long pid) {
        Set<Path> mapped = new TreeSet<>();
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "maps"))) {
            lines.map(line -> line.indexOf(PREFIX) < 0 ? null : line.substring(line.indexOf(PREFIX)).replace(" (deleted)", ""))
                    .filter(path -> path != null && !path.contains(" "))
                    .forEach(path -> mapped.add(Path.of(path)));
        } catch (IOException | UncheckedIOException gone) {
            // exited already, or no /proc: nothing to find
        }
        return mapped;
    }
}
