package dev.hotstandby.backend.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;

/**
 * A cleanly stopped data directory, initialised and configured once per binaries build and config
 * fingerprint; every node of every cluster starts as a copy of it, which is far faster than initdb
 * and, for standbys, replaces pg_basebackup (the embedded binaries do not ship it).
 */
final class Template {
    private final Path dataDir;
    private final List<Path> directories = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();

    Template(Path dataDir) {
        this.dataDir = dataDir;
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.skip(1).forEach(path -> (Files.isDirectory(path) ? directories : files).add(dataDir.relativize(path)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the template " + dataDir, e);
        }
    }

    Path dataDir() {
        return dataDir;
    }

    /**
     * Copies the template into several data directories at once, file by file on every core: the
     * cost is per file (about a thousand), not per byte.
     */
    void copyTo(List<Path> targets) {
        createDirectories(targets);
        targets.parallelStream().flatMap(target -> files.stream().map(file -> new Path[] {dataDir.resolve(file), target.resolve(file)}))
                .parallel()
                .forEach(pair -> copyFile(pair[0], pair[1]));
    }

    /**
     * Copies on the calling thread only: for background work that must not crowd the cores. An
     * interrupt stops it between files (file copies themselves do not notice one).
     */
    void copySequentiallyTo(Path target) {
        createDirectories(List.of(target));
        for (Path file : files) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("interrupted while copying the template to " + target);
            }
            copyFile(dataDir.resolve(file), target.resolve(file));
        }
    }

    private void createDirectories(List<Path> targets) {
        for (Path target : targets) {
            try {
                Files.createDirectory(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                for (Path directory : directories) {
                    Files.createDirectory(target.resolve(directory));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + target, e);
            }
        }
    }

    private static void copyFile(Path source, Path target) {
        try {
            Files.copy(source, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source, e);
        }
    }
}
