package dev.hotstandby.backend.containers;

import dev.hotstandby.engine.JvmOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The labels on every container, network and volume this backend creates. They say which JVM on
 * which machine owns it, so that a later start can remove what a JVM that is gone left behind
 * (Ryuk's job, on hosts where Ryuk cannot run).
 */
final class Labels {
    /**
     * {@code <pid>-<start millis>} of the owning JVM; {@code reuse:<entry id>} on a cluster kept for
     * reuse, which no JVM owns (and which a reaper of an earlier version, judging pids, leaves alone).
     */
    static final String OWNER = "dev.hotstandby.owner";
    /** The owning JVM's machine: a pid means nothing on another one sharing the same daemon. */
    static final String HOST = "dev.hotstandby.host";
    static final String CLUSTER = "dev.hotstandby.cluster";
    static final String NODE = "dev.hotstandby.node";
    /**
     * On what a cluster kept for reuse has: its entry's directory ({@code hotstandby.reuse}). The
     * reaper spares it while that directory exists, though the JVM that made it is gone: the
     * entry's watchdog removes it once idle, and a later run attaches to it.
     */
    static final String REUSE = "dev.hotstandby.reuse";
    /**
     * On a container making a template image: its JVM ({@code <pid>-<start millis>}) and machine. Not
     * {@link #OWNER}: the committed image keeps its container's labels, and every node's container
     * would inherit them; so the commit sets both to "" (labels cannot be removed by a commit).
     */
    static final String BUILDER = "dev.hotstandby.template.builder";
    static final String BUILDER_HOST = "dev.hotstandby.template.builder-host";

    private static final String OWNER_VALUE = JvmOwner.current();
    private static final String HOST_VALUE = hostName();

    private Labels() {
    }

    static String owner() {
        return OWNER_VALUE;
    }

    static Map<String, String> forCluster(String clusterId) {
        return Map.of(OWNER, OWNER_VALUE, HOST, HOST_VALUE, CLUSTER, clusterId);
    }

    /** A cluster's labels, with its reuse entry's directory where it is kept for reuse ({@code reuseEntry} not null). */
    static Map<String, String> forCluster(String clusterId, Path reuseEntry) {
        if (reuseEntry == null) {
            return forCluster(clusterId);
        }
        return Map.of(OWNER, "reuse:" + reuseEntry.getFileName(), HOST, HOST_VALUE, CLUSTER, clusterId,
                REUSE, reuseEntry.toString());
    }

    static Map<String, String> forNode(String clusterId, String node) {
        return Map.of(OWNER, OWNER_VALUE, HOST, HOST_VALUE, CLUSTER, clusterId, NODE, node);
    }

    static Map<String, String> forNode(String clusterId, String node, Path reuseEntry) {
        Map<String, String> labels = new java.util.HashMap<>(forCluster(clusterId, reuseEntry));
        labels.put(NODE, node);
        return Map.copyOf(labels);
    }

    static Map<String, String> forTemplateBuilder() {
        return Map.of(BUILDER, OWNER_VALUE, BUILDER_HOST, HOST_VALUE);
    }

    /** What a committed template says instead: no builder. */
    static Map<String, String> committedTemplateBuilder() {
        return Map.of(BUILDER, "", BUILDER_HOST, "");
    }

    /** True when a template builder's labels name a JVM on this machine that no longer runs. */
    static boolean builderIsGone(Map<String, String> labels) {
        if (labels == null || !HOST_VALUE.equals(labels.get(BUILDER_HOST))) {
            return false;
        }
        return JvmOwner.isGone(labels.get(BUILDER));
    }

    /** True when the labels name an owner on this machine that no longer runs. */
    static boolean ownerIsGone(Map<String, String> labels) {
        if (labels == null || !HOST_VALUE.equals(labels.get(HOST))) {
            return false;
        }
        return JvmOwner.isGone(labels.get(OWNER));
    }

    /**
     * True when what has these labels, on this machine, is left over: kept for reuse in an entry
     * that is gone (removed by its watchdog, or with its data root), or else owned by a JVM that no
     * longer runs. A kept cluster whose entry exists is its watchdog's to remove once idle.
     */
    static boolean leftOver(Map<String, String> labels) {
        if (labels == null || !HOST_VALUE.equals(labels.get(HOST))) {
            return false;
        }
        String entry = labels.get(REUSE);
        if (entry != null && !entry.isEmpty()) {
            return !Files.isDirectory(Path.of(entry));
        }
        return ownerIsGone(labels);
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
