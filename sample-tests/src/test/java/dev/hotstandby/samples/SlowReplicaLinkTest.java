package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A slow replica link with synchronous commit: the checkout latency a team would see. Every commit
 * waits for the synchronous standby, so a link with 20 ms each way costs each checkout at least
 * 40 ms, however fast the servers are. On machines the delay is the kernel's netem qdisc: where
 * the kernel has none, delayLink says so and the sample is skipped with that reason.
 */
@PostgresStandbyCluster(shared = true, standbys = 1, synchronous = true)
class SlowReplicaLinkTest {

    @Test
    void everyCheckoutWaitsARoundTripToTheSynchronousStandby(@Primary Connection primary, PostgresCluster cluster)
            throws Exception {
        PostgresNode standby = cluster.standby(0);
        try (Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE orders (id serial PRIMARY KEY, total numeric)");
        }
        List<Long> fast = checkouts(primary, 5);

        delayOrSkip(cluster, standby, Duration.ofMillis(20));
        List<Long> slow;
        try {
            slow = checkouts(primary, 5);
        } finally {
            cluster.delayLink(standby, Duration.ZERO);
        }

        System.out.printf("checkout latency, no delay: %s ms; 20 ms each way: %s ms%n", fast, slow);
        // the round trip is a floor no machine can beat; an upper bound would only measure this machine's load
        assertTrue(Collections.min(slow) >= 40, "every checkout waits a round trip: " + slow);
    }

    /** Local and container clusters relay their links, so only machines may lack what a delay needs. */
    private static void delayOrSkip(PostgresCluster cluster, PostgresNode standby, Duration oneWay) {
        try {
            cluster.delayLink(standby, oneWay);
        } catch (UnsupportedOperationException missing) {
            Backend backend = cluster.spec().backend();
            if (backend != Backend.VAGRANT && backend != Backend.SSH) {
                throw missing;
            }
            assumeTrue(false, missing.getMessage());
        }
    }

    private static List<Long> checkouts(Connection primary, int count) throws Exception {
        List<Long> millis = new ArrayList<>();
        try (Statement statement = primary.createStatement()) {
            for (int i = 0; i < count; i++) {
                long started = System.nanoTime();
                statement.execute("INSERT INTO orders (total) VALUES (19.99)");
                millis.add((System.nanoTime() - started) / 1_000_000);
            }
        }
        return millis;
    }
}
