package dev.hotstandby.spring;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.RunningClusters;
import org.opentest4j.TestAbortedException;

/**
 * For a shared cluster: equal for the test classes with an equal annotation that hold the same
 * cluster, whichever class owns it, so they get one context. The pool may hold several clusters of
 * one configuration (classes running in parallel take one each), and a context reaches the ports of
 * the cluster it was built on, so a cached context goes only to a class that holds that very cluster
 * (the pool hands it out again refreshed, its addresses unchanged). Spring hashes the key when it
 * first sees the class, which may be before the class has taken its cluster: the hash is the
 * annotation's, and only {@code equals} looks at the cluster.
 */
final class SharedClusterContextCustomizer extends ClusterContextCustomizer {
    private final PostgresStandbyCluster annotation;
    /** Kept once known: a key in Spring's cache must stay equal to what it was equal to. */
    private volatile PostgresCluster cluster;

    SharedClusterContextCustomizer(ClusterDeclaration declaration) {
        super(declaration.owner());
        this.annotation = declaration.annotation();
    }

    @Override
    void builtOn(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    /** The cluster its context was built on, or else the one its class holds now; null before it took one. */
    private PostgresCluster cluster() {
        PostgresCluster known = cluster;
        if (known == null) {
            known = heldByOwner();
            if (known != null) {
                cluster = known;
            }
        }
        return known;
    }

    private PostgresCluster heldByOwner() {
        try {
            return RunningClusters.of(owner());
        } catch (IllegalStateException | TestAbortedException notTaken) {
            return null; // not yet, or never here: equal to no other key until then
        }
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof SharedClusterContextCustomizer customizer) || !customizer.annotation.equals(annotation)) {
            return false;
        }
        PostgresCluster mine = cluster();
        return mine != null && mine == customizer.cluster();
    }

    @Override
    public int hashCode() {
        return annotation.hashCode();
    }

    @Override
    public String toString() {
        PostgresCluster known = cluster;
        return "the shared hotstandby cluster " + (known == null ? "(not taken yet)" : known) + " of " + annotation;
    }
}
