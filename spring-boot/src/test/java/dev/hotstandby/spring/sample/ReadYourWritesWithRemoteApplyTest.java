package dev.hotstandby.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.SynchronousCommit;
import dev.hotstandby.junit.PostgresStandbyCluster;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Sample 2b: with {@code synchronous_commit = remote_apply} a commit returns only once the standby
 * has replayed it, so a read right after the write finds it, even on a standby that replays
 * everything 300 ms late. The price is in the commit: it waits for that replay.
 */
@CustomerApplicationTest
@PostgresStandbyCluster(shared = true, standbys = 1, synchronous = true, synchronousCommit = SynchronousCommit.REMOTE_APPLY,
        database = "shop", username = "shop")
class ReadYourWritesWithRemoteApplyTest {
    @Autowired
    CustomerService customers;
    @Autowired
    PostgresCluster cluster;

    @Test
    void everyReadRightAfterAWriteFindsIt() {
        // applyDelay() refuses on a synchronous cluster (it would slow every commit): that slowness is the point here
        cluster.set(cluster.standby(0), "recovery_min_apply_delay", "300ms");
        try {
            for (int i = 0; i < 5; i++) {
                Customer customer = customers.create("customer " + i);

                assertThat(customers.find(customer.id())).contains(customer);
            }
        } finally {
            cluster.reset(cluster.standby(0), "recovery_min_apply_delay");
        }
    }
}
