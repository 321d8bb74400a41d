package dev.hotstandby.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where every backend keeps its data root and, under it, the {@code failed/} directory of kept
 * clusters: {@code -Dhotstandby.dataDir}, else tmpfs ({@code /dev/shm}) when it has room (PostgreSQL
 * creates about a thousand files per data directory; tmpfs makes that ten times faster), else the
 * temporary directory. Chosen once per JVM, so all backends agree on it.
 */
public final class EvidenceRoot {
    public static final String DATA_DIR_PROPERTY = "hotstandby.dataDir";
    private static final long TMPFS_MIN_FREE = 1L << 30;
    private static final Path DATA_ROOT = chooseDataRoot();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private EvidenceRoot() {
    }

    /** {@code hotstandby-<user>} on tmpfs or disk, or the configured directory. */
    public static Path dataRoot() {
        return DATA_ROOT;
    }

    /** Data and logs of clusters whose tests failed, created private (0700). */
    public static Path failed() {
        return privateDir(DATA_ROOT.resolve("failed"));
    }

    /**
     * Where one cluster's evidence goes, the same name on every backend:
     * {@code failed/<yyyyMMdd-HHmmss>-<owner>-<id>}, holding {@code <node>/server.log} and {@code <node>/data/}.
     * Not created: a backend moves its directory there or fills it.
     */
    public static Path keptClusterDirectory(String owner, String id) {
        String label = owner.replaceAll("[^A-Za-z0-9_.-]+", "_").replaceAll("^_+|_+$", "");
        return failed().resolve(LocalDateTime.now().format(STAMP) + "-" + label.substring(0, Math.min(60, label.length()))
                + "-" + id);
    }

    public static Path privateDir(Path dir) {
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

    private static String userName() {
        return System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
