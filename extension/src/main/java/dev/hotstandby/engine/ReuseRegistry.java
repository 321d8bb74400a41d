package dev.hotstandby.engine;

import dev.hotstandby.ApplicationOptions;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.config.ConfigFiles;
import dev.hotstandby.internal.Passwords;
import dev.hotstandby.internal.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where clusters kept for reuse are found: {@code <data root>/reuse/<configuration hash>/<entry>/},
 * one {@link ReuseEntry} per cluster. A configuration is the spec without its owner, plus what else
 * decides what a cluster holds: the content of its init scripts and of the packaged configs/ files,
 * so that an edited schema.sql never gets yesterday's cluster.
 */
final class ReuseRegistry {
    /** Bumped when what an entry records changes: an entry of another format is never attached. */
    static final String FORMAT = "1";

    private ReuseRegistry() {
    }

    static Path root() {
        return EvidenceRoot.privateDir(EvidenceRoot.dataRoot().resolve("reuse"));
    }

    /** The text two runs must share to share a cluster. */
    static String key(ClusterSpec spec) {
        StringBuilder key = new StringBuilder("format ").append(FORMAT).append('\n')
                .append(spec.withOwner("-")).append('\n')
                .append("configs ").append(ConfigFiles.packaged().fingerprint()).append('\n');
        for (String script : spec.application().initScripts()) {
            key.append("init script ").append(script).append(' ').append(sha256(ApplicationOptions.read(script))).append('\n');
        }
        return key.toString();
    }

    /** The entries of a configuration, the most recently used first. */
    static List<ReuseEntry> entries(String key) {
        Path directory = root().resolve(sha256(key).substring(0, 16));
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(Files::isDirectory).filter(path -> !path.getFileName().toString().contains("."))
                    .sorted(Comparator.comparing(ReuseRegistry::lastUse).reversed()).map(ReuseEntry::new).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A new entry for {@code key}, leased by this JVM, with its watchdog running. */
    static ReuseEntry create(String key, java.time.Duration idle) {
        Path directory = EvidenceRoot.privateDir(root().resolve(sha256(key).substring(0, 16)));
        Path entryDirectory = EvidenceRoot.privateDir(directory.resolve(Passwords.randomName(10)));
        ReuseEntry entry = new ReuseEntry(entryDirectory);
        if (!entry.tryLease()) {
            Trees.delete(entryDirectory);
            throw new IllegalStateException("cannot lease the new reuse entry " + entryDirectory);
        }
        entry.startWatchdog(idle);
        return entry;
    }

    private static long lastUse(Path entry) {
        try {
            return Files.getLastModifiedTime(entry.resolve(ReuseEntry.IDLE_SINCE)).toMillis();
        } catch (IOException none) {
            return 0;
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
