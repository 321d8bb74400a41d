package dev.hotstandby.backend.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** This JVM's classpath, for child JVMs: as it is, or copied where another user can read it. */
final class ClasspathCopy {
    private ClasspathCopy() {
    }

    /** The entries of this JVM's classpath (surefire sets java.class.path to the whole test classpath). */
    static List<Path> classpath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(Path::of)
                .toList();
    }

    /**
     * Copies this JVM's classpath into {@code target}, each entry into a numbered folder, all
     * readable by everyone: the class directories (so a build rewriting target/ meanwhile cannot
     * pull classes from under a child JVM) and, if {@code jarsToo}, the jars; other jars stay put.
     */
    static List<Path> copyOfClasspath(Path target, boolean jarsToo) {
        try {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<Path> entries = new ArrayList<>();
            for (Path entry : classpath()) {
                if (!Files.exists(entry) || !jarsToo && !Files.isDirectory(entry)) {
                    entries.add(entry);
                    continue;
                }
                Path copy = Files.createDirectory(target.resolve(String.valueOf(entries.size())))
                        .resolve(entry.getFileName().toString());
                try (Stream<Path> paths = Files.walk(entry)) {
                    for (Path path : (Iterable<Path>) paths::iterator) {
                        Files.copy(path, copy.resolve(entry.relativize(path).toString()));
                    }
                }
                entries.add(copy);
            }
            try (Stream<Path> all = Files.walk(target)) {
                for (Path path : (Iterable<Path>) all::iterator) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                            Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the classpath to " + target, e);
        }
    }

    static String joined(List<Path> entries) {
        return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
    }
}
