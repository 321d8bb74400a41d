package dev.hotstandby.junit;

import dev.hotstandby.PostgresCluster;

/**
 * The cluster of one annotated class, as a value in JUnit's store: JUnit closes it when the class
 * is done. A failed test anywhere under the class keeps the data and logs for inspection.
 */
final class ClusterResource implements AutoCloseable {
    private final PostgresCluster cluster;

    ClusterResource(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    PostgresCluster cluster() {
        return cluster;
    }

    /** Keeps the evidence and returns the last lines of every node's log, to attach to the failure. */
    String failed() {
        cluster.keepEvidenceOnClose();
        return cluster.serverLogTails(20);
    }

    @Override
    public void close() {
        cluster.close();
    }
}
