package dev.hotstandby.backend.local;

import dev.hotstandby.engine.EvidenceRoot;
import java.nio.file.Path;

/**
 * Where the local backend keeps things. Data (templates, clusters, kept failures) goes under the
 * {@link EvidenceRoot} data root (tmpfs when it has room); binaries go to a cache dir that allows exec.
 */
final class Workspace {
    static final String DATA_DIR_PROPERTY = EvidenceRoot.DATA_DIR_PROPERTY;
    static final String CACHE_DIR_PROPERTY = "hotstandby.cacheDir";

    private static final Workspace DEFAULT = new Workspace(EvidenceRoot.dataRoot(), chooseCacheRoot());

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

    /** Port reservations shared by every JVM of this user. */
    Path ports() {
        return privateDir(dataRoot.resolve("ports"));
    }

    /** Unpacked PostgreSQL binaries. */
    Path binaries() {
        return privateDir(cacheRoot.resolve("binaries"));
    }

    static Path privateDir(Path dir) {
        return EvidenceRoot.privateDir(dir);
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

}
