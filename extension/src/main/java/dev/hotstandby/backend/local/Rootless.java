package dev.hotstandby.backend.local;

import dev.hotstandby.ClusterStartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL refuses to run as root. When the JVM is root (CI, containers), every server command
 * runs under {@code unshare -U}: in a fresh user namespace the process is uid 65534, which is
 * also how the root-owned data directory appears to it, while file access still works as root.
 */
final class Rootless {
    private static volatile List<String> prefix;

    private Rootless() {
    }

    /** Prepends what lets {@code command} run as a non-root user. */
    static List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(prefix());
        wrapped.addAll(command);
        return wrapped;
    }

    private static List<String> prefix() {
        List<String> known = prefix;
        if (known == null) {
            known = isRoot() ? checkedUnshare() : List.of();
            prefix = known;
        }
        return known;
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException unknown) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static List<String> checkedUnshare() {
        List<String> unshare = List.of("unshare", "-U");
        Commands.Result probe;
        try {
            probe = Commands.run(List.of("unshare", "-U", "true"));
        } catch (RuntimeException missing) {
            probe = new Commands.Result(-1, missing.getMessage());
        }
        if (!probe.succeeded()) {
            throw new ClusterStartException("PostgreSQL refuses to run as root, and this JVM runs as root but cannot"
                    + " use `unshare -U` to drop root for it (" + probe.output().trim() + "). Run the tests as an"
                    + " ordinary user, or allow user namespaces (in Docker: --security-opt seccomp=unconfined).");
        }
        return unshare;
    }
}
