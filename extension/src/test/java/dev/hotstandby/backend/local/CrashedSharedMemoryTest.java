package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.engine.EvidenceRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A killed node's POSIX shared memory goes with the kill, also when its cluster is kept as the
 * evidence of a failed test (the kept data directory never starts again to clean it up; on tmpfs
 * the segments are RAM until the next reboot).
 */
class CrashedSharedMemoryTest {

    @Test
    void aKilledNodesDevShmSegmentsAreGoneWhenItsClusterIsKept() throws Exception {
        String owner = "CrashedSharedMemoryTest-" + UUID.randomUUID().toString().substring(0, 8);
        List<Path> segments;
        try (PostgresCluster cluster = PostgresCluster.builder().backend(Backend.LOCAL).standbys(1).describedAs(owner)
                .start()) {
            segments = segmentsMappedByABackendOf(cluster);
            assertThat(segments).as("the primary's dynamic shared memory control segment").isNotEmpty()
                    .allSatisfy(segment -> assertThat(segment).exists());

            cluster.kill(cluster.primary());
            cluster.keepEvidenceOnClose();
        } finally {
            deleteKeptEvidence(owner);
        }

        assertThat(segments).allSatisfy(segment -> assertThat(segment).doesNotExist());
    }

    /** What a server process of the primary maps from /dev/shm: the control segment every backend attaches. */
    private static List<Path> segmentsMappedByABackendOf(PostgresCluster cluster) throws Exception {
        try (Connection connection = cluster.primary().superuserDataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
            pid.next();
            try (Stream<String> maps = Files.lines(Path.of("/proc", pid.getString(1), "maps"))) {
                return maps.filter(line -> line.contains("/dev/shm/PostgreSQL."))
                        .map(line -> Path.of(line.substring(line.indexOf("/dev/shm/")))).distinct().toList();
            }
        }
    }

    private static void deleteKeptEvidence(String owner) throws IOException {
        try (Stream<Path> kept = Files.list(EvidenceRoot.failed())) {
            kept.filter(directory -> directory.getFileName().toString().contains(owner)).forEach(TempTrees::deleteTree);
        }
    }
}
