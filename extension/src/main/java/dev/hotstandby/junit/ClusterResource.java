package dev.hotstandby.junit;

import dev.hotstandby.PostgresCluster;
import java.util.Optional;

/**
 * The cluster of one annotated class, as a value in JUnit's store: JUnit closes it when the class
 * is done, and {@link #close()} decides from the {@link CleanupMode} whether the data and logs stay.
 * Without a cluster when the backend cannot run here: then it holds the reason its tests are skipped.
 */
final class ClusterResource implements ClosedWithStore {
    private final PostgresCluster cluster;
    private final String unavailable;
    private final CleanupMode cleanup;
    private volatile boolean failed;

    private ClusterResource(PostgresCluster cluster, String unavailable, CleanupMode cleanup) {
        this.cluster = cluster;
        this.unavailable = unavailable;
        this.cleanup = cleanup;
    }

    static ClusterResource started(PostgresCluster cluster, CleanupMode cleanup) {
        return new ClusterResource(cluster, null, cleanup);
    }

    /** No cluster: the backend cannot run on this machine, for this reason. */
    static ClusterResource unavailable(String reason) {
        return new ClusterResource(null, reason, CleanupMode.ALWAYS);
    }

    Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailable);
    }

    PostgresCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("no cluster: " + unavailable);
        }
        return cluster;
    }

    /** A test or lifecycle method failed: returns the last lines of every node's log, to attach to the failure. */
    ServerLogs failed() {
        markFailed();
        return new ServerLogs(cluster().serverLogTails(20), keepsEvidence(), cleanup);
    }

    /** A test failed: the evidence stays, unless {@link CleanupMode#ALWAYS}. */
    void markFailed() {
        failed = true;
    }

    private boolean keepsEvidence() {
        return cleanup == CleanupMode.NEVER || (cleanup == CleanupMode.ON_SUCCESS && failed);
    }

    @Override
    public void close() {
        RunningClusters.unregister(this);
        if (cluster == null) {
            return;
        }
        if (keepsEvidence()) {
            cluster.keepEvidenceOnClose();
        }
        cluster.close();
    }
}
