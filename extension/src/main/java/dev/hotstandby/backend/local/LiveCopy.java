package dev.hotstandby.backend.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Copies the data directory of a running server between {@code pg_backup_start} and
 * {@code pg_backup_stop}: a base backup by the low-level API, for binaries without pg_basebackup.
 * Leaves out what pg_basebackup leaves out; files that vanish meanwhile are fine (WAL replay
 * from the backup's start repairs whatever the copy caught mid-change).
 */
final class LiveCopy {
    /** Directories whose contents are runtime state, not data (as pg_basebackup's exclude list). */
    private static final Set<String> EMPTIED = Set.of("pg_wal", "pg_stat_tmp", "pg_replslot", "pg_dynshmem", "pg_notify",
            "pg_serial", "pg_snapshots", "pg_subtrans");
    private static final Set<String> SKIPPED = Set.of("postmaster.pid", "postmaster.opts", "pg_internal.init",
            "backup_label", "tablespace_map", "standby.signal", "recovery.signal", "current_logfiles", "node.conf", "user.conf",
            "standby.conf", "recovery.conf");

    private LiveCopy() {
    }

    static void copy(Path source, Path target) {
        try {
            Files.walkFileTree(source, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    Path copy = target.resolve(source.relativize(dir).toString());
                    Files.createDirectories(copy);
                    if (!dir.equals(source) && EMPTIED.contains(dir.getFileName().toString())) {
                        if (dir.getFileName().toString().equals("pg_wal")) {
                            Files.createDirectories(copy.resolve("archive_status"));
                        }
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (!SKIPPED.contains(file.getFileName().toString())) {
                        try {
                            Files.copy(file, target.resolve(source.relativize(file).toString()),
                                    StandardCopyOption.REPLACE_EXISTING);
                        } catch (NoSuchFileException vanished) {
                            // dropped meanwhile; replay knows
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                    if (failure instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw failure;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
        }
    }
}
