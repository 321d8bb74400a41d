package dev.hotstandby.engine;

import java.util.List;

/** The engine hands nodes back to the backend that made them, as {@link BackendNode}s. */
public final class Members {
    private Members() {
    }

    /** {@code node} as one of the backend's own {@code nodes}; any other node is the caller's mistake. */
    public static <N extends BackendNode> N of(BackendNode node, List<N> nodes) {
        int index = nodes.indexOf(node);
        if (index < 0) {
            throw new IllegalArgumentException(node.name() + " is not a node of this cluster");
        }
        return nodes.get(index);
    }
}
