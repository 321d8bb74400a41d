package dev.hotstandby.backend.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the local backend keeps things. Data (templates, clusters, kept failures) goes to tmpfs
 * ({@code /dev/shm}) when it has room, because PostgreSQL creates about a thousand files per data
 * directory and tmpfs makes that ten times faster; binaries go to a cache dir that allows exec.
 */
final class Workspace {
    static final String DATA_DIR_PROPERTY = "hotstandby.dataDir";
    static final String CACHE_DIR_PROPERTY = "hotstandby.cacheDir";
    private static final long TMPFS_MIN_FREE = 1L << 30;

    private static final Workspace DEFAULT = new Workspace(chooseDataRoot(), chooseCacheRoot());

    private final Path dataRoot;
    private final Path cacheRoot;

    Workspace(Path dataRoot, Path cacheRoot) {
        this.dataRoot = dataRoot;
        this.cacheRoot = cacheRoot;
    }

    static Workspace get() {
        return DEFAULT;
    }

    /** Template data directories, one per binaries build and config fingerprint. */
    Path templates() {
        return privateDir(dataRoot.resolve("templates"));
    }

    /** Running clusters, grouped by the JVM that owns them. */
    Path clusters() {
        return privateDir(dataRoot.resolve("clusters"));
    }

    /** Data and logs of clusters whose tests failed. */
    Path failed() {
        return privateDir(dataRoot.resolve("failed"));
    }

    /** Port reservations shared by every JVM of this user. */
    Path ports() {
        return privateDir(dataRoot.resolve("ports"));
    }

    /** Unpacked PostgreSQL binaries. */
    Path binaries() {
        return privateDir(cacheRoot.resolve("binaries"));
    }

    static Path privateDir(Path dir) {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + "; set -D" + DATA_DIR_PROPERTY + " to a writable directory", e);
        }
    }

    private static Path chooseDataRoot() {
        String configured = System.getProperty(DATA_DIR_PROPERTY, "").trim();
        if (!configured.isEmpty()) {
            return Path.of(configured).toAbsolutePath();
        }
        Path shm = Path.of("/dev/shm");
        try {
            if (Files.isDirectory(shm) && Files.isWritable(shm) && Files.getFileStore(shm).getUsableSpace() > TMPFS_MIN_FREE) {
                return shm.resolve("hotstandby-" + userName());
            }
        } catch (IOException unusable) {
            // fall through to the disk
        }
        return Path.of(System.getProperty("java.io.tmpdir")).resolve("hotstandby-" + userName());
    }

    private static Path chooseCacheRoot() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY, "").trim();
        if (!configured.isEmpty()) {
            return Path.of(configured).toAbsolutePath();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("hotstandby");
    }

    private static String userName() {
        return System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
