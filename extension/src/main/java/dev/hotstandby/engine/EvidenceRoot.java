package dev.hotstandby.engine;

import dev.hotstandby.internal.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where every backend keeps its data root and, under it, the {@code failed/} directory of kept
 * clusters: {@code -Dhotstandby.dataDir}, else tmpfs ({@code /dev/shm}) when it has room (PostgreSQL
 * creates about a thousand files per data directory; tmpfs makes that ten times faster), else the
 * temporary directory. Chosen once per JVM, so all backends agree on it. Kept clusters on tmpfs are
 * capped ({@value #KEPT_ON_TMPFS_PROPERTY}, default {@value #DEFAULT_KEPT_ON_TMPFS}): the oldest go first.
 */
public final class EvidenceRoot {
    public static final String DATA_DIR_PROPERTY = "hotstandby.dataDir";
    /** How many kept clusters stay on tmpfs (they are RAM): the oldest go past it. Not capped on disk. */
    public static final String KEPT_ON_TMPFS_PROPERTY = "hotstandby.keptFailures";
    static final int DEFAULT_KEPT_ON_TMPFS = 10;
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
        Path failed = failed();
        if (isTmpfs(failed)) {
            int keep = keptOnTmpfs();
            removeOldest(failed, keep - 1).forEach(removed -> NodeLog.forCluster(owner).warn("removed the oldest kept"
                    + " failure " + removed + ": at most " + keep + " stay on tmpfs, which is RAM (-D"
                    + KEPT_ON_TMPFS_PROPERTY + "=N, or -D" + DATA_DIR_PROPERTY + " on a disk to keep all)"));
        }
        return failed.resolve(LocalDateTime.now().format(STAMP) + "-" + label.substring(0, Math.min(60, label.length()))
                + "-" + id);
    }

    /**
     * Leaves the newest {@code keep} kept clusters under {@code failed}, whose names start with the
     * time they were kept; returns the removed ones.
     */
    static List<Path> removeOldest(Path failed, int keep) {
        List<Path> kept;
        try (Stream<Path> entries = Files.list(failed)) {
            kept = entries.filter(Files::isDirectory).sorted(Comparator.comparing(Path::getFileName).reversed()).toList();
        } catch (IOException unreadable) {
            return List.of();
        }
        List<Path> oldest = kept.subList(Math.min(Math.max(keep, 0), kept.size()), kept.size());
        oldest.forEach(Trees::delete);
        return oldest;
    }

    private static boolean isTmpfs(Path dir) {
        try {
            return "tmpfs".equals(Files.getFileStore(dir).type());
        } catch (IOException unknown) {
            return false;
        }
    }

    private static int keptOnTmpfs() {
        String configured = System.getProperty(KEPT_ON_TMPFS_PROPERTY, "").trim();
        try {
            return configured.isEmpty() ? DEFAULT_KEPT_ON_TMPFS : Math.max(1, Integer.parseInt(configured));
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException(KEPT_ON_TMPFS_PROPERTY + " must be a number of clusters, at least 1,"
                    + " but was '" + configured + "'");
        }
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
