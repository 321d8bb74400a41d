package dev.hotstandby.backend.machines;

import dev.hotstandby.engine.JvmOwner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.Reader;
import java.io.Writer;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Vagrant machines a JVM that is gone left running (killed before its teardown): each cluster's
 * Vagrant folder names its JVM in an {@value #OWNER_FILE} file, and the next cluster's start
 * destroys the machines of folders whose JVM no longer runs, with Vagrant itself, so any provider
 * is cleaned the same way. Machines kept for the next run name their reuse entry instead
 * ({@link KeptVagrantRuns}): they are left to its watchdog, and reaped only once the entry is gone.
 */
final class StaleVagrantRuns {
    static final String OWNER_FILE = "hotstandby-owner";
    private static final String ENVIRONMENT_FILE = "hotstandby-environment";
    static final String PREFIX = "hotstandby-vagrant-";

    private StaleVagrantRuns() {
    }

    /**
     * Names the owner (this JVM, or the reuse entry of kept machines), with the environment the
     * Vagrantfile was evaluated in (which machines exist).
     */
    static void markOwned(Path folder, Map<String, String> environment, String owner) throws IOException {
        Properties saved = new Properties();
        saved.putAll(environment);
        try (Writer writer = Files.newBufferedWriter(folder.resolve(ENVIRONMENT_FILE), StandardCharsets.UTF_8)) {
            saved.store(writer, "the environment of this cluster's vagrant runs");
        }
        Files.writeString(folder.resolve(OWNER_FILE), owner, StandardCharsets.UTF_8);
    }

    static Map<String, String> environment(Path folder) throws IOException {
        Properties saved = new Properties();
        Path file = folder.resolve(ENVIRONMENT_FILE);
        if (Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                saved.load(reader);
            }
        }
        Map<String, String> environment = new HashMap<>();
        saved.stringPropertyNames().forEach(name -> environment.put(name, saved.getProperty(name)));
        return environment;
    }

    private static boolean isGone(String owner) {
        return KeptVagrantRuns.entry(owner).map(KeptVagrantRuns::entryGone).orElseGet(() -> JvmOwner.isGone(owner));
    }

    static void reap() {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(temp, PREFIX + "*")) {
            for (Path folder : folders) {
                Path owner = folder.resolve(OWNER_FILE);
                try {
                    if (Files.isRegularFile(owner) && isGone(Files.readString(owner, StandardCharsets.UTF_8).strip())) {
                        Vagrant vagrant = new Vagrant(folder, folder.resolve("state"), environment(folder));
                        boolean destroyed = VagrantMachines.destroy(vagrant).ok();
                        DockerLeftovers.remove(folder.getFileName().toString());
                        if (destroyed) {
                            VagrantMachines.deleteTree(folder);
                        }
                    }
                } catch (IOException | RuntimeException reapedMeanwhile) {
                    // another JVM's start removed the folder while this one looked at it; never fails a start
                }
            }
        } catch (IOException unreadable) {
            // nothing to reap that can be read; a later start tries again
        }
    }
}
