package dev.hotstandby.junit;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@code @Primary} Connections and PostgresNodes injected in one context: they stay on the node
 * they were resolved to, so after a {@code promote()} a failing test is told that they moved off the
 * primary. Kept per context (not inherited from the parent's store) so one test's handles do not
 * explain another test's failure.
 */
final class PinnedPrimaries {
    private record Key(String contextId) {
    }

    private record Pin(String injectionPoint, PostgresNode node) {
    }

    private final List<Pin> pins = new CopyOnWriteArrayList<>();

    static void remember(ExtensionContext scope, InjectionPoint point, PostgresNode node) {
        scope.getStore(ClusterStore.NAMESPACE).getOrComputeIfAbsent(new Key(scope.getUniqueId()),
                key -> new PinnedPrimaries(), PinnedPrimaries.class).pins.add(new Pin(point.toString(), node));
    }

    /** What moved, for the failing context and its parents, or empty when every pinned handle is still on the primary. */
    static Optional<PrimaryMoved> moved(ExtensionContext failing, PostgresCluster cluster) {
        List<String> moved = new ArrayList<>();
        for (Optional<ExtensionContext> at = Optional.of(failing); at.isPresent(); at = at.get().getParent()) {
            PinnedPrimaries here = at.get().getStore(ClusterStore.NAMESPACE)
                    .get(new Key(at.get().getUniqueId()), PinnedPrimaries.class);
            if (here != null) {
                here.pins.stream().filter(pin -> !pin.node().isPrimary())
                        .forEach(pin -> moved.add("@Primary " + pin.injectionPoint() + " is on " + pin.node().name()));
            }
        }
        if (moved.isEmpty()) {
            return Optional.empty();
        }
        String now = cluster.nodes().stream().filter(PostgresNode::isPrimary).map(PostgresNode::name).findFirst()
                .map(name -> "the primary is now " + name).orElse("the cluster has no primary now");
        return Optional.of(new PrimaryMoved(String.join("; ", moved) + ", which is no longer the primary (" + now
                + ", after promote()). An injected Connection or PostgresNode stays on the node it was resolved to;"
                + " inject @Primary DataSource, which follows the primary, or call cluster.primary() after a failover"));
    }
}
