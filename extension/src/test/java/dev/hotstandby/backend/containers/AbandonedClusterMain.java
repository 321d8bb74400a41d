package dev.hotstandby.backend.containers;

import dev.hotstandby.PostgresCluster;

/**
 * Not a test: the child JVM of {@link KilledJvmTest}. Starts a containers cluster, says so with
 * its owner label, and waits to be killed.
 */
public final class AbandonedClusterMain {
    public static void main(String[] args) throws InterruptedException {
        PostgresCluster cluster = ContainersAvailable.builder().standbys(1).start();
        System.out.println("started " + cluster.primary().name() + " owner=" + Labels.owner());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
