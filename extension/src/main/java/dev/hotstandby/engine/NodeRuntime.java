package dev.hotstandby.engine;

import java.util.List;

/** One node as a backend runs it. */
public interface NodeRuntime {
    String name();

    /** Where the test's handles reach the node: through its client relay with {@code clientFaults}. */
    String host();

    int port();

    /** Where the cluster's own connections (waits, diagnostics) reach the node: never through a relay. */
    default String controlHost() {
        return host();
    }

    default int controlPort() {
        return port();
    }

    /** True for the current primary; after a failover, for the promoted node only. */
    boolean isPrimary();

    /** True for a standby; a former primary that has not rejoined is neither. */
    boolean isStandby();

    /** The last lines of the node's server log, for failure reports. */
    List<String> logTail(int lines);
}
