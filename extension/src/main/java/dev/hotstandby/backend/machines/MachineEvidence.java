package dev.hotstandby.backend.machines;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.engine.EvidenceRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a failed test keeps of a cluster on machines, on the test machine, laid out as every backend
 * keeps evidence ({@link EvidenceRoot#keptClusterDirectory}): each node's {@code server.log} and the
 * config files of its data directory. The run directories on the hosts stay too.
 */
final class MachineEvidence {
    private static final List<String> CONFIG_FILES = List.of("postgresql.conf", "postgresql.conf.stock", "pg_hba.conf",
            "pg_hba.conf.stock", "node.conf", "user.conf", "postgresql.auto.conf", "standby.conf", "recovery.conf");

    private MachineEvidence() {
    }

    /** Copies what can be read; a node that cannot be reached gets a note instead. */
    static Path save(ClusterSpec spec, String runId, List<MachineNode> nodes) {
        Path directory = EvidenceRoot.keptClusterDirectory(spec.owner(), "machines-" + runId);
        try {
            for (MachineNode node : nodes) {
                Path dataDir = Files.createDirectories(directory.resolve(node.name()).resolve("data"));
                copy(node, "server.log", dataDir.resolveSibling("server.log"));
                for (String file : CONFIG_FILES) {
                    copy(node, "data/" + file, dataDir.resolve(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the logs of the cluster's machines in " + directory, e);
        }
        return directory;
    }

    private static void copy(MachineNode node, String relativePath, Path target) throws IOException {
        SshConnection.Result read = node.tryAsPostgres("cat " + Sh.quote(relativePath));
        if (read.ok()) {
            Files.writeString(target, read.out(), StandardCharsets.UTF_8);
        } else if (!read.err().contains("No such file")) {
            Files.writeString(target.resolveSibling(target.getFileName() + ".unreadable"), read.err(), StandardCharsets.UTF_8);
        }
    }
}
