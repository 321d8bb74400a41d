package dev.hotstandby.junit;

import dev.hotstandby.PostgresCluster;
import java.util.Optional;

/**
 * Attached to a failed test as a suppressed exception: who was primary, who streamed from whom and
 * how far behind, at the failure ({@link PostgresCluster#describe()}, its first columns).
 */
final class ClusterAtFailure extends RuntimeException {
    private ClusterAtFailure(String message) {
        super(message, null, false, false);
    }

    /** Empty when the servers cannot say (the failure's own cause may be why): the log tails still follow. */
    static Optional<ClusterAtFailure> of(PostgresCluster cluster) {
        try {
            return Optional.of(new ClusterAtFailure("the cluster at the failure:\n" + cluster.describeBriefly()));
        } catch (RuntimeException cannotDescribe) {
            return Optional.empty();
        }
    }
}
