package dev.hotstandby.backend.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The small System V segment a postmaster keeps (its key and id on the 7th line of postmaster.pid).
 * A killed one leaves it behind, and only the next start of the same data directory would remove
 * it; {@code ipcrm} does that at once, once {@code ipcs} lists the id with its key and nothing
 * attached, so no other process's segment that got the id since is touched.
 */
final class SystemVSegment {
    private SystemVSegment() {
    }

    /** True once the segment of this data directory's last server is gone (or was never there); false where the tools are missing. */
    static boolean remove(Path dataDir) {
        long key;
        String id;
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            if (lines.size() < 7 || lines.get(6).isBlank()) {
                return true;
            }
            String[] fields = lines.get(6).trim().split("\\s+");
            key = Long.parseLong(fields[0]);
            id = fields[1];
        } catch (IOException | RuntimeException noSegment) {
            return true;
        }
        String segments = run("ipcs", "-m");
        if (segments == null) {
            return false;
        }
        // "key shmid owner perms bytes nattch ...": ours still, and nobody attached
        String ours = String.format("0x%08x", key);
        boolean there = segments.lines().map(line -> line.trim().split("\\s+"))
                .anyMatch(columns -> columns.length >= 6 && columns[0].equals(ours) && columns[1].equals(id)
                        && columns[5].equals("0"));
        return !there || run("ipcrm", "-m", id) != null;
    }

    /** The command's output, or null when it failed or is not there. */
    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? output : null;
        } catch (IOException notInstalled) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
