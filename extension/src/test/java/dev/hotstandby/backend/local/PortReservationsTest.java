package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lock files of ports that no live JVM holds go at the next reservation; held ones stay. */
class PortReservationsTest {
    @TempDir
    Path ports;

    @Test
    void staleLockFilesAreRemovedAndHeldOnesKept() throws IOException {
        Path stale = Files.createFile(ports.resolve("1.lock"));
        Path alsoStale = Files.writeString(ports.resolve("2.lock"), "123-1\n");
        Path heldElsewhere = ports.resolve("3.lock");
        try (ChildJvm other = ChildJvm.start(ChildJvm.mainCommand(List.of(), System.getProperty("java.class.path"),
                HoldLockMain.class.getName(), heldElsewhere.toString()));
             PortReservations.Port heldHere = new PortReservations(ports).reserve()) {
            other.awaitOutput(HoldLockMain.LOCKED, Duration.ofMinutes(1));

            try (PortReservations.Port reserved = new PortReservations(ports).reserve()) {
                assertThat(lockFiles()).as("stale files gone; held ones and the new reservation's kept")
                        .doesNotContain(stale, alsoStale)
                        .containsExactlyInAnyOrder(heldElsewhere, ports.resolve(heldHere.number() + ".lock"),
                                ports.resolve(reserved.number() + ".lock"));
                assertThat(reserved.number()).isNotEqualTo(heldHere.number());
            }
        }
    }

    @Test
    void aReleasedPortsFileGoesAtTheNextReservation() throws IOException {
        int released;
        try (PortReservations.Port port = new PortReservations(ports).reserve()) {
            released = port.number();
        }
        assertThat(lockFiles()).containsExactly(ports.resolve(released + ".lock"));

        try (PortReservations.Port next = new PortReservations(ports).reserve()) {
            assertThat(lockFiles()).containsExactly(ports.resolve(next.number() + ".lock"));
        }
    }

    private List<Path> lockFiles() throws IOException {
        try (Stream<Path> files = Files.list(ports)) {
            return files.toList();
        }
    }
}
