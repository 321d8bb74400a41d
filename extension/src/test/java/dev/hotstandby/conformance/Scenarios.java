package dev.hotstandby.conformance;

import dev.hotstandby.PostgresCluster;

/**
 * Runs a scenario on a shared cluster of its configuration (refreshed before it takes it, so it starts
 * from the declared state as a new one would); when it fails, keeps the data directories, which takes
 * the cluster out of the pool, and attaches the logs.
 */
final class Scenarios {
    private Scenarios() {
    }

    interface Scenario {
        void run(PostgresCluster cluster) throws Exception;
    }

    static void run(PostgresCluster.Builder builder, Scenario scenario) throws Exception {
        try (PostgresCluster cluster = builder.shared(true).start()) {
            try {
                scenario.run(cluster);
            } catch (Exception | Error failed) {
                cluster.keepEvidenceOnClose();
                failed.addSuppressed(new AssertionError("server logs at the failure:" + cluster.serverLogTails(25)));
                throw failed;
            }
        }
    }
}
