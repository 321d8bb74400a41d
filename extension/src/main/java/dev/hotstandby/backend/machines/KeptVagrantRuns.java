package dev.hotstandby.backend.machines;

import dev.hotstandby.engine.ReusedClusters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Vagrant machines kept for the next run ({@code hotstandby.reuse}): their work directory names the
 * reuse entry as its owner instead of a JVM ({@value #OWNER_PREFIX}{@code <entry>}), so
 * {@link StaleVagrantRuns} leaves them to the entry's watchdog; the watchdog's teardown
 * ({@code kept-vagrant-teardown.sh}) removes them with no JVM; and a start that finds every private
 * network taken removes a kept cluster nobody holds to get one.
 */
final class KeptVagrantRuns {
    static final String OWNER_PREFIX = "reuse:";

    private KeptVagrantRuns() {
    }

    /** The owner file's text for machines kept in the reuse entry {@code entry}. */
    static String owner(Path entry) {
        return OWNER_PREFIX + entry.toAbsolutePath();
    }

    /** The entry an owner file names, if it names one. */
    static Optional<Path> entry(String owner) {
        return owner.startsWith(OWNER_PREFIX) ? Optional.of(Path.of(owner.substring(OWNER_PREFIX.length()).strip()))
                : Optional.empty();
    }

    /** Whether the entry is gone, watchdog and all: nothing will ever remove its machines but a reap. */
    static boolean entryGone(Path entry) {
        return !Files.exists(entry) && !Files.exists(Path.of(entry + ".removing"));
    }

    /**
     * The teardown of machines in {@code work} (Vagrant run {@code run}, subnet {@code network}, kept
     * for them by the file {@code kept}), in the environment their Vagrantfile was evaluated in.
     */
    static String teardown(Path work, Path folder, String network, Path kept, Map<String, String> environment) {
        StringBuilder script = new StringBuilder()
                .append("work=").append(Sh.quote(work.toString())).append('\n')
                .append("run=").append(Sh.quote(work.getFileName().toString())).append('\n')
                .append("network=").append(Sh.quote(network)).append('\n')
                .append("kept=").append(Sh.quote(kept.toString())).append('\n')
                .append("export VAGRANT_CWD=").append(Sh.quote(folder.toString())).append('\n');
        environment.forEach((name, value) -> script.append("export ").append(name).append('=').append(Sh.quote(value)).append('\n'));
        try (InputStream in = KeptVagrantRuns.class.getResourceAsStream("kept-vagrant-teardown.sh")) {
            return script.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).toString();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing resource kept-vagrant-teardown.sh beside " + KeptVagrantRuns.class.getName(), e);
        }
    }

    /**
     * Removes one cluster kept on a subnet whose marker is in {@code locks}, if nobody holds it: a
     * start that waits for a private network would otherwise wait for kept clusters' idle time.
     * True when one was removed.
     */
    static boolean removeOneIdle(Path locks) {
        try (var markers = Files.list(locks)) {
            for (Path marker : (Iterable<Path>) markers::iterator) {
                if (!marker.getFileName().toString().endsWith(SubnetLease.KEPT_SUFFIX)) {
                    continue;
                }
                Optional<Path> entry = keptEntry(marker);
                if (entry.isPresent() && ReusedClusters.removeIfIdle(entry.get())) {
                    return true;
                }
            }
        } catch (IOException | UncheckedIOException unreadable) {
            // nothing that can be given way
        }
        return false;
    }

    /** The entry whose machines a subnet marker keeps the subnet for: the owner of the work directory it names. */
    private static Optional<Path> keptEntry(Path marker) {
        try {
            Path work = Path.of(Files.readString(marker, StandardCharsets.UTF_8).strip());
            Path owner = work.resolve(StaleVagrantRuns.OWNER_FILE);
            return Files.isRegularFile(owner) ? entry(Files.readString(owner, StandardCharsets.UTF_8).strip()) : Optional.empty();
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }
}
