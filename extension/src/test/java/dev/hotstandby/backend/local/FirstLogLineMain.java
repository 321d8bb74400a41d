package dev.hotstandby.backend.local;

import dev.hotstandby.engine.NodeLog;

/** For {@link FirstLogLineTest}: hotstandby's first log line in a fresh JVM, which is SLF4J's first use there. */
public final class FirstLogLineMain {
    private FirstLogLineMain() {
    }

    public static void main(String[] args) {
        NodeLog.forCluster("first use").warn("a warning");
    }
}
