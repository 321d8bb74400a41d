package dev.hotstandby.backend.local;

import dev.hotstandby.ClusterStartException;
import dev.hotstandby.config.ConfigFiles;
import dev.hotstandby.config.ReplicationSettings;
import dev.hotstandby.internal.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Makes each {@link Template} once and keeps it across runs in a directory named after what it
 * was made from, under a lock shared by every JVM (parallel Maven forks make it only once).
 */
final class TemplateCache {
    /** Bump when the way templates are made changes, so stale ones are not reused. */
    private static final String FORMAT = "t1";
    static final String SUPERUSER = "postgres";
    private static final Map<String, Template> MADE = new ConcurrentHashMap<>();

    private final Workspace workspace;
    private final ConfigFiles configs = ConfigFiles.packaged();

    TemplateCache(Workspace workspace) {
        this.workspace = workspace;
    }

    Template obtain(PostgresBinaries binaries, PortReservations ports) {
        return obtain(binaries, ports, Map.of());
    }

    /**
     * {@code recorded}: the test's values of the settings pg_control records and a standby checks
     * at its start (max_connections and the like). A cold copy of a template started with lower
     * values would refuse to run as a standby ("insufficient parameter settings"), so a template
     * is made, and kept, per set of such values.
     */
    Template obtain(PostgresBinaries binaries, PortReservations ports, Map<String, String> recorded) {
        List<String> recordedLines = recorded.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(setting -> ReplicationSettings.line(setting.getKey(), setting.getValue(),
                        "the test's value, recorded in pg_control for the standbys copied from this template"))
                .toList();
        // Short on purpose: the template's socket path must stay under the 107 bytes Unix allows.
        String key = "pg" + binaries.major() + "-" + shortHash(binaries.key() + configs.fingerprint() + FORMAT
                + (recordedLines.isEmpty() ? "" : String.join("\n", recordedLines)));
        return MADE.computeIfAbsent(key, k -> FileLocks.withLock(workspace.templates().resolve(key + ".lock"), () -> {
            Path dir = workspace.templates().resolve(key);
            if (!Files.isDirectory(dir.resolve("data"))) {
                make(binaries, dir, ports, recordedLines);
            }
            return new Template(dir.resolve("data"));
        }));
    }

    private void make(PostgresBinaries binaries, Path target, PortReservations ports, List<String> recordedLines) {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Trees.delete(partial);
        Trees.delete(target);
        try {
            Workspace.privateDir(partial);
            initdb(binaries, partial.resolve("data"));
            applyConfigs(partial.resolve("data"));
            startOnceAndStop(binaries, partial, ports, recordedLines);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Trees.delete(partial);
            throw new UncheckedIOException("cannot make a template data directory in " + partial, e);
        } catch (RuntimeException e) {
            Trees.delete(partial);
            throw e;
        }
    }

    /** The superuser gets no password here: each cluster sets its own, so none outlives its cluster. */
    private static void initdb(PostgresBinaries binaries, Path data) {
        List<String> command = new ArrayList<>(List.of(binaries.executable("initdb").toString(), "-D", data.toString(),
                "-U", SUPERUSER, "-E", "UTF8", "--no-locale", "--no-sync"));
        if (binaries.major() >= 11) {
            command.add("--wal-segsize=1"); // 1 MB segments: a much smaller data directory to copy
        }
        Commands.Result initdb = Commands.run(Rootless.wrap(command), null, Map.of("TZ", "UTC", "LC_ALL", "C"));
        if (!initdb.succeeded()) {
            throw new ClusterStartException("initdb of " + binaries.origin() + " failed:\n" + initdb.output());
        }
    }

    private void applyConfigs(Path data) throws IOException {
        rewrite(data.resolve(ConfigFiles.POSTGRESQL_CONF), configs::postgresqlConf);
        rewrite(data.resolve(ConfigFiles.PG_HBA_CONF), configs::pgHbaConf);
    }

    private interface Edit {
        List<String> apply(List<String> lines);
    }

    private static void rewrite(Path file, Edit edit) throws IOException {
        List<String> lines = ConfigFiles.lines(Files.readString(file, StandardCharsets.UTF_8));
        Files.writeString(file, String.join("\n", edit.apply(lines)), StandardCharsets.UTF_8);
    }

    /**
     * One start with the final settings records them in pg_control, so a cold copy can serve as a
     * standby without "insufficient parameter settings"; the fast stop leaves a clean checkpoint.
     */
    private static void startOnceAndStop(PostgresBinaries binaries, Path home, PortReservations ports,
                                         List<String> recordedLines) throws IOException {
        try (PortReservations.Port port = ports.reserve()) {
            Path sockets = Workspace.privateDir(home.resolve("s"));
            LocalNode node = new LocalNode("template", home, binaries, port, sockets, home.resolve("archive"));
            List<String> conf = new java.util.ArrayList<>(node.identitySettings());
            conf.add(ReplicationSettings.line("listen_addresses", "''", "no TCP while the template is made"));
            conf.addAll(recordedLines);
            node.writeDataFile("node.conf", String.join("\n", conf) + "\n");
            try {
                node.startAndAwaitReady(Duration.ofSeconds(120));
            } catch (ClusterStartException notStarted) {
                node.killForcibly();
                throw new ClusterStartException("the template server of " + binaries.origin() + " did not start: "
                        + notStarted.getMessage());
            }
            Signals.send(Signals.FAST_SHUTDOWN, List.of(node.pid()));
            if (!node.awaitExit(120, TimeUnit.SECONDS)) {
                node.killForcibly();
                throw new ClusterStartException("the template server of " + binaries.origin() + " did not stop:\n"
                        + String.join("\n", node.logTail(30)));
            }
            Files.delete(node.dataDir().resolve("node.conf"));
            Files.deleteIfExists(node.dataDir().resolve("postmaster.opts"));
            Trees.delete(sockets);
        }
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
