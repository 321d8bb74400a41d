package dev.hotstandby.backend.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import dev.hotstandby.internal.Trees;
import java.nio.charset.StandardCharsets;
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
    /** Listed on first need: a start that copies with {@code cp} never needs them. */
    private List<Path> directories;
    private List<Path> files;

    Template(Path dataDir) {
        this.dataDir = dataDir;
    }

    private synchronized void list() {
        if (files != null) {
            return;
        }
        List<Path> foundDirectories = new ArrayList<>();
        List<Path> foundFiles = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.skip(1).forEach(path -> (Files.isDirectory(path) ? foundDirectories : foundFiles).add(dataDir.relativize(path)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the template " + dataDir, e);
        }
        directories = foundDirectories;
        files = foundFiles;
    }

    Path dataDir() {
        return dataDir;
    }

    /**
     * Copies the template into several data directories at once, one {@code cp -R} per target: the
     * cost is per file (about a thousand), not per byte, and native code creates them several times
     * faster than a fresh JVM's first run of the same loop. Where {@code cp} cannot run, the copy is
     * made here, file by file on every core.
     */
    void copyTo(List<Path> targets) {
        List<Process> copies = new ArrayList<>();
        try {
            for (Path target : targets) {
                copies.add(new ProcessBuilder("cp", "-R", dataDir.toString(), target.toString())
                        .redirectErrorStream(true).start());
            }
        } catch (IOException noCp) {
            copies.forEach(Process::destroyForcibly);
            awaitAll(copies);
            targets.forEach(Trees::delete);
            copyInJava(targets);
            return;
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < copies.size(); i++) {
            Process copy = copies.get(i);
            try {
                copy.getOutputStream().close();
                String output = new String(copy.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (copy.waitFor() != 0) {
                    failures.add(targets.get(i) + ": " + output);
                }
            } catch (IOException e) {
                failures.add(targets.get(i) + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                copies.forEach(Process::destroyForcibly);
                throw new CancellationException("interrupted while copying the template " + dataDir);
            }
        }
        if (!failures.isEmpty()) {
            throw new UncheckedIOException(new IOException("cannot copy the template " + dataDir + " to "
                    + String.join("; ", failures)));
        }
    }

    private static void awaitAll(List<Process> processes) {
        for (Process process : processes) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** File by file on every core. */
    private void copyInJava(List<Path> targets) {
        list();
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
        list();
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
