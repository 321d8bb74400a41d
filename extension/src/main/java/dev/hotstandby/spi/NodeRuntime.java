package dev.hotstandby.spi;

import java.util.List;

/** One node as a backend runs it. */
public interface NodeRuntime {
    String name();

    /** Where the test JVM reaches the node. */
    String host();

    int port();

    boolean isPrimary();

    /** The last lines of the node's server log, for failure reports. */
    List<String> logTail(int lines);
}
