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
    void machinesKeptForTheNextRunHoldTheirSubnetAfterTheJvmUntilTheirWorkDirectoryIsGone() throws Exception {
        Path work = java.nio.file.Files.createDirectory(locks.resolve("work"));
        SubnetLease keeping = SubnetLease.acquire(locks, network -> false);
        keeping.keepFor(work);
        keeping.detach();   // the end of the JVM: the lock goes, the marker stays

        try (SubnetLease next = SubnetLease.acquire(locks, network -> false)) {
            assertThat(next.network()).as("the kept machines' subnet is skipped").isEqualTo("192.168.57");
        }
        java.nio.file.Files.delete(work);   // removed without their teardown
        try (SubnetLease next = SubnetLease.acquire(locks, network -> false)) {
            assertThat(next.network()).as("a marker naming no work directory holds nothing").isEqualTo("192.168.56");
        }
        assertThat(locks.resolve("192.168.56" + SubnetLease.KEPT_SUFFIX)).doesNotExist();
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

    @Test
    void aSubnetAnotherDockerNetworkOverlapsCountsAsUsed() {
        String networks = """
                bridge 0 172.17.0.0/16
                vagrant_network_192.168.56.0/24 0 192.168.56.0/24
                vagrant_network_192.168.57.0/24 2 192.168.57.0/24
                hotstandby-5j9qmegb-access 1 192.168.48.0/20
                host 0
                ip6 0 fd00::/64
                """;
        assertThat(SubnetLease.usedIn(networks, "192.168.56")).as("Docker's /20 block covers it").isTrue();
        assertThat(SubnetLease.usedIn(networks, "192.168.57")).as("its own network still has machines").isTrue();
        assertThat(SubnetLease.usedIn(networks, "192.168.64")).isFalse();
        assertThat(SubnetLease.usedIn(networks.replace("192.168.48.0/20", "192.168.80.0/20"), "192.168.56"))
                .as("its own, empty network").isFalse();
    }
}
