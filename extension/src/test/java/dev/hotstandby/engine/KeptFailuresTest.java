package dev.hotstandby.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kept failures on tmpfs are RAM: past the cap the oldest go, by the time in their names. */
class KeptFailuresTest {

    @Test
    void theOldestGoAndTheNewestStay(@TempDir Path failed) throws Exception {
        for (String name : List.of("20261201-101500-B-2", "20261130-235959-A-1", "20261201-120000-D-4",
                "20261201-110000-C-3")) {
            Files.createDirectories(failed.resolve(name).resolve("primary/data"));
            Files.writeString(failed.resolve(name).resolve("primary/server.log"), "a log line\n");
        }

        List<Path> removed = EvidenceRoot.removeOldest(failed, 2);

        assertThat(removed).extracting(path -> path.getFileName().toString())
                .containsExactly("20261201-101500-B-2", "20261130-235959-A-1");
        try (var left = Files.list(failed)) {
            assertThat(left.map(path -> path.getFileName().toString()))
                    .containsExactlyInAnyOrder("20261201-120000-D-4", "20261201-110000-C-3");
        }
    }

    @Test
    void underTheCapNothingGoes(@TempDir Path failed) throws Exception {
        Files.createDirectories(failed.resolve("20261201-101500-B-2"));

        assertThat(EvidenceRoot.removeOldest(failed, 9)).isEmpty();
        assertThat(failed.resolve("20261201-101500-B-2")).isDirectory();
    }
}
