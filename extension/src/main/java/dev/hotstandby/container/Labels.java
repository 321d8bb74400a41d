package dev.hotstandby.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The labels on every container, network and volume this backend creates. They say which JVM on
 * which machine owns it, so that a later start can remove what a JVM that is gone left behind
 * (Ryuk's job, on hosts where Ryuk cannot run).
 */
final class Labels {
    /** {@code <pid>-<start millis>} of the owning JVM. */
    static final String OWNER = "dev.hotstandby.owner";
    /** The owning JVM's machine: a pid means nothing on another one sharing the same daemon. */
    static final String HOST = "dev.hotstandby.host";
    static final String CLUSTER = "dev.hotstandby.cluster";
    static final String NODE = "dev.hotstandby.node";

    private static final String OWNER_VALUE = ownerOf(ProcessHandle.current());
    private static final String HOST_VALUE = hostName();

    private Labels() {
    }

    static String owner() {
        return OWNER_VALUE;
    }

    static Map<String, String> forCluster(String clusterId) {
        return Map.of(OWNER, OWNER_VALUE, HOST, HOST_VALUE, CLUSTER, clusterId);
    }

    static Map<String, String> forNode(String clusterId, String node) {
        return Map.of(OWNER, OWNER_VALUE, HOST, HOST_VALUE, CLUSTER, clusterId, NODE, node);
    }

    static String ownerOf(ProcessHandle process) {
        long started = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return process.pid() + "-" + started;
    }

    /** True when the labels name an owner on this machine that no longer runs. */
    static boolean ownerIsGone(Map<String, String> labels) {
        if (labels == null || !HOST_VALUE.equals(labels.get(HOST))) {
            return false;
        }
        String[] parts = labels.getOrDefault(OWNER, "").split("-");
        if (parts.length != 2) {
            return false;
        }
        long pid;
        long started;
        try {
            pid = Long.parseLong(parts[0]);
            started = Long.parseLong(parts[1]);
        } catch (NumberFormatException notOurs) {
            return false;
        }
        Optional<Instant> running = ProcessHandle.of(pid).flatMap(handle -> handle.info().startInstant());
        // a reused pid has another start time; the clock granularity of /proc allows a little slack
        return running.isEmpty() || Math.abs(running.get().toEpochMilli() - started) > 2_000;
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException | RuntimeException notLinux) {
            String fromEnvironment = System.getenv("HOSTNAME");
            if (fromEnvironment != null && !fromEnvironment.isBlank()) {
                return fromEnvironment.trim();
            }
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "unknown";
            }
        }
    }
}
