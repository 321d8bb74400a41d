package dev.hotstandby.backend.local;

import dev.hotstandby.engine.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * pg_rewind for {@code rejoin}: copies only what changed since the timelines forked, instead of the
 * whole data directory. Installed PostgreSQL ships it; the embedded binaries do not, and there
 * rejoin re-seeds. wal_log_hints = on (configs/postgresql.conf) is what lets it run at all.
 */
final class Rewind {
    private Rewind() {
    }

    static boolean available(PostgresBinaries binaries) {
        return Files.isExecutable(binaries.executable("pg_rewind"));
    }

    /**
     * Rewinds {@code target}'s cleanly stopped data directory to the timeline of the server at
     * {@code sourcePort}, through its private socket. Its output goes to the target's server.log
     * either way; false means it failed and the directory must be re-seeded.
     */
    static boolean run(PostgresBinaries binaries, LocalNode target, Path sockets, int sourcePort) {
        String source = "host=" + LocalNode.quote(sockets.toString()) + " port=" + sourcePort + " user="
                + TemplateCache.SUPERUSER + " dbname=postgres";
        Commands.Result rewind = Commands.run(Rootless.wrap(List.of(binaries.executable("pg_rewind").toString(),
                "--target-pgdata=" + target.dataDir(), "--source-server=" + source)), null, Map.of("LC_ALL", "C"));
        note(target, "hotstandby: pg_rewind " + (rewind.succeeded() ? "rewound " + target.name()
                : "failed (exit " + rewind.exitCode() + "); re-seeding " + target.name() + " with a full copy instead")
                + ":\n" + rewind.output().strip() + "\n");
        if (rewind.succeeded()) {
            forgetSlots(target.dataDir());
        }
        return rewind.succeeded();
    }

    /**
     * pg_rewind leaves pg_replslot alone: the slots the node kept as a primary would pin WAL on the
     * standby for ever. A re-seed starts without them too.
     */
    private static void forgetSlots(Path dataDir) {
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
