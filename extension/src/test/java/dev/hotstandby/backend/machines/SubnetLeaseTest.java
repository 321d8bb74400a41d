package dev.hotstandby.backend.machines;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Machines kept after a failed class keep their subnet, so the next class gets another one
 * instead of "Address already in use". Plays the docker networks through the lease's seam.
 */
class SubnetLeaseTest {
    @TempDir
    Path locks;

    @Test
    void aClosedLeaseIsHandedOutAgain() {
        SubnetLease first = SubnetLease.acquire(locks, network -> false);
        assertThat(first.network()).isEqualTo("192.168.56");
        first.close();

        try (SubnetLease next = SubnetLease.acquire(locks, network -> false)) {
            assertThat(next.network()).isEqualTo("192.168.56");
        }
    }

    @Test
    void aKeptLeaseStaysHeldAfterClose() {
        SubnetLease failedClass = SubnetLease.acquire(locks, network -> false);
        failedClass.keep();
        failedClass.close();

        try (SubnetLease nextClass = SubnetLease.acquire(locks, network -> false)) {
            assertThat(nextClass.network()).isEqualTo("192.168.57");
        }
    }

    @Test
    void aSubnetWhoseDockerNetworkStillHasContainersIsSkipped() {
        // kept by a JVM that is gone: no lock holds it, its containers still do
        try (SubnetLease lease = SubnetLease.acquire(locks, network -> network.equals("192.168.56"))) {
            assertThat(lease.network()).isEqualTo("192.168.57");
        }
        try (SubnetLease lease = SubnetLease.acquire(locks, network -> false)) {
            assertThat(lease.network()).as("skipping left the lock free").isEqualTo("192.168.56");
        }
    }
}
