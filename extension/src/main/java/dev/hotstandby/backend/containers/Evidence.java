package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.engine.EvidenceRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a failed test keeps of a containers cluster before its containers go: each container's
 * whole log ({@code <node>/server.log}) and the config files of its data directory ({@code <node>/data/}),
 * laid out as every backend keeps evidence ({@link EvidenceRoot#keptClusterDirectory}).
 */
final class Evidence {
    private static final List<String> CONFIG_FILES = List.of("postgresql.conf", "pg_hba.conf", "node.conf", "user.conf",
            "postgresql.auto.conf", "standby.conf", "recovery.conf");

    private Evidence() {
    }

    static Path save(ClusterSpec spec, String clusterId, List<ContainerNode> nodes) {
        Path directory = EvidenceRoot.keptClusterDirectory(spec.owner(), "containers-" + clusterId);
        try {
            for (ContainerNode node : nodes) {
                Path nodeDir = Files.createDirectories(directory.resolve(node.name()));
                Files.write(nodeDir.resolve("server.log"), node.keepLogsForRemoval(), StandardCharsets.UTF_8);
                if (node.containerId() != null) {
                    Path dataDir = Files.createDirectories(nodeDir.resolve("data"));
                    for (String file : CONFIG_FILES) {
                        copyOut(node, file, dataDir.resolve(file));
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
