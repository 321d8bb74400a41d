package dev.hotstandby.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log lines through SLF4J, each prefixed with the node (or cluster) it is about, as
 * {@code [standby-1] streaming from primary at 0/3000060}. Without an SLF4J binding nothing would be
 * seen, so warnings (data kept after a failure, a start retried) then go to stderr instead.
 */
public final class NodeLog {
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.hotstandby");
    private static final boolean BOUND = !LoggerFactory.getILoggerFactory().getClass().getSimpleName().startsWith("NOP");

    private final String prefix;

    private NodeLog(String prefix) {
        this.prefix = prefix;
    }

    /** Lines about one node: {@code [standby-1] ...}. */
    public static NodeLog of(String node) {
        return new NodeLog("[" + node + "] ");
    }

    /** Lines about a whole cluster, under the name of who asked for it: {@code @PostgresStandbyCluster on [OrdersIT]: ...}. */
    public static NodeLog forCluster(String owner) {
        return new NodeLog(owner + ": ");
    }

    public void info(String message) {
        LOGGER.info(prefix + message);
    }

    /** Seen by default: through SLF4J's warn level, or on stderr where no binding is present. */
    public void warn(String message) {
        if (BOUND) {
            LOGGER.warn(prefix + message);
        } else {
            System.err.println("hotstandby: " + prefix + message);
        }
    }
}
