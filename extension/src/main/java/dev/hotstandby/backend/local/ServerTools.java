package dev.hotstandby.backend.local;

import dev.hotstandby.engine.BackendCluster.ToolRun;
import dev.hotstandby.internal.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the engine's rewind needs of local processes: a tool of the binaries run as the servers'
 * user (the same user namespace as the servers, when this JVM is root), the node's pg_replslot
 * emptied, a note in its server.log. Installed PostgreSQL ships pg_rewind; the embedded binaries do
 * not, and there a rejoin re-seeds.
 */
final class ServerTools {
    private ServerTools() {
    }

    static boolean has(PostgresBinaries binaries, String tool) {
        return Files.isExecutable(binaries.executable(tool));
    }

    static ToolRun run(PostgresBinaries binaries, String tool, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(binaries.executable(tool).toString()));
        command.addAll(arguments);
        try {
            Commands.Result result = Commands.run(Rootless.wrap(command), null, Map.of("LC_ALL", "C"));
            return new ToolRun(result.exitCode(), result.output());
        } catch (UncheckedIOException cannotStart) {
            return new ToolRun(-1, "cannot run " + tool + ": " + cannotStart.getMessage());
        }
    }

    static void emptySlots(Path dataDir) {
        try (Stream<Path> slots = Files.list(dataDir.resolve("pg_replslot"))) {
            slots.forEach(Trees::delete);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + dataDir.resolve("pg_replslot"), e);
        }
    }

    /** Appends to the node's server.log, where the rest of its story is. */
    static void note(LocalNode node, String text) {
        try {
            Files.writeString(node.logFile(), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + node.logFile(), e);
        }
    }
}
