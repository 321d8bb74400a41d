package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.engine.EvidenceRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What a failed test keeps of a containers cluster before its containers go: each container's
 * whole log ({@code <node>/server.log}, as the local backend keeps it) and the config files of its
 * data directory, in the same {@code failed/} directory the local backend uses ({@link EvidenceRoot}).
 */
final class Evidence {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final List<String> CONFIG_FILES = List.of("postgresql.conf", "pg_hba.conf", "node.conf",
            "postgresql.auto.conf", "standby.conf", "recovery.conf");

    private Evidence() {
    }

    static Path save(ClusterSpec spec, String clusterId, List<ContainerNode> nodes) {
        String label = spec.owner().replaceAll("[^A-Za-z0-9_.-]+", "_").replaceAll("^_+|_+$", "");
        Path directory = EvidenceRoot.failed().resolve(LocalDateTime.now().format(STAMP) + "-"
                + label.substring(0, Math.min(60, label.length())) + "-containers-" + clusterId);
        try {
            for (ContainerNode node : nodes) {
                Path nodeDir = Files.createDirectories(directory.resolve(node.name()));
                Files.write(nodeDir.resolve("server.log"), node.keepLogsForRemoval(), StandardCharsets.UTF_8);
                if (node.containerId() != null) {
                    for (String file : CONFIG_FILES) {
                        copyOut(node, file, nodeDir.resolve(file));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the logs of the cluster's containers in " + directory, e);
        }
        return directory;
    }

    /** Through the shell: the data directory is a tmpfs, which Docker's archive API cannot read. */
    private static void copyOut(ContainerNode node, String file, Path target) throws IOException {
        try {
            String content = node.exec("f=\"$PGDATA/" + file + "\"; if [ -f \"$f\" ]; then cat \"$f\"; fi");
            if (!content.isEmpty()) {
                Files.writeString(target, content, StandardCharsets.UTF_8);
            }
        } catch (RuntimeException unreadable) {
            Files.writeString(target.resolveSibling(file + ".unreadable"), String.valueOf(unreadable.getMessage()),
                    StandardCharsets.UTF_8);
        }
    }
}
