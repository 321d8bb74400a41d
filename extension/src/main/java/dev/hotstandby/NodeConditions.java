package dev.hotstandby;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the tests have done to each node (stopped, replay paused, link cut), so that operations
 * that cannot apply fail at once with a message that says why, and the cluster stays usable.
 */
final class NodeConditions {
    private final List<PostgresNode> members;
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private final Set<String> disconnected = ConcurrentHashMap.newKeySet();

    NodeConditions(List<PostgresNode> members) {
        this.members = members;
    }

    void requireMember(PostgresNode node, String operation) {
        if (!members.contains(node)) {
            throw new IllegalArgumentException(operation + "(" + node + "): not a node of this cluster");
        }
    }

    void requireStandby(PostgresNode node, String operation) {
        requireMember(node, operation);
        if (node.isPrimary()) {
            throw new IllegalArgumentException(operation + "(" + node.name() + "): " + node.name()
                    + " is the primary; " + operation + " takes a standby");
        }
        if (!node.isStandby()) {
            throw new IllegalArgumentException(operation + "(" + node.name() + "): " + node.name()
                    + " is a former primary, not a standby");
        }
    }

    void requireRunning(PostgresNode node, String operation) {
        requireMember(node, operation);
        if (stopped.contains(node.name())) {
            throw new IllegalStateException(operation + "(" + node.name() + "): " + node.name() + " is stopped; start() it first");
        }
    }

    void requireStopped(PostgresNode node, String operation) {
        requireMember(node, operation);
        if (!stopped.contains(node.name())) {
            throw new IllegalStateException(operation + "(" + node.name() + "): " + node.name()
                    + " is already running; stop() or kill() it first, or use restart()");
        }
    }

    /** Promotion needs a standby that is up and replaying. */
    void requireReplaying(PostgresNode node, String operation) {
        requireRunning(node, operation);
        if (paused.contains(node.name())) {
            throw new IllegalStateException(operation + "(" + node.name() + "): replay is paused on " + node.name()
                    + "; resumeReplay() it first");
        }
    }

    void requireNotPaused(PostgresNode node) {
        if (paused.contains(node.name())) {
            throw new IllegalStateException("pauseReplay(" + node.name() + "): replay is already paused");
        }
    }

    void requirePaused(PostgresNode node) {
        requireMember(node, "resumeReplay");
        if (!paused.contains(node.name())) {
            throw new IllegalStateException("resumeReplay(" + node.name() + "): replay is not paused");
        }
    }

    void requireConnected(PostgresNode node) {
        requireConnected(node, "disconnect", "already disconnected");
    }

    /**
     * A cut standby keeps its cut after a promotion on some backends (firewall rules, an emptied
     * primary_conninfo that a rejoin would copy), so operations that would carry it along refuse.
     */
    void requireConnected(PostgresNode node, String operation, String state) {
        if (disconnected.contains(node.name())) {
            throw new IllegalStateException(operation + "(" + node.name() + "): " + node.name()
                    + " is " + state + "; reconnect() it first");
        }
    }

    void requireDisconnected(PostgresNode node) {
        requireMember(node, "reconnect");
        if (!disconnected.contains(node.name())) {
            throw new IllegalStateException("reconnect(" + node.name() + "): " + node.name() + " is not disconnected");
        }
    }

    boolean isStopped(PostgresNode node) {
        return stopped.contains(node.name());
    }

    void stopped(PostgresNode node) {
        stopped.add(node.name());
        paused.remove(node.name()); // a restarted server replays again
    }

    void started(PostgresNode node) {
        stopped.remove(node.name());
    }

    void paused(PostgresNode node, boolean isPaused) {
        if (isPaused) {
            paused.add(node.name());
        } else {
            paused.remove(node.name());
        }
    }

    void disconnected(PostgresNode node, boolean isDisconnected) {
        if (isDisconnected) {
            disconnected.add(node.name());
        } else {
            disconnected.remove(node.name());
        }
    }

    /** After a refresh: every node runs, replays and is connected again. */
    void clear() {
        stopped.clear();
        paused.clear();
        disconnected.clear();
    }

    /** Why a standby cannot catch up now, if it cannot. */
    Optional<String> whyNotReplaying(PostgresNode standby) {
        String name = standby.name();
        if (stopped.contains(name)) {
            return Optional.of(name + " is stopped; start() it, or wait only after it runs again");
        }
        if (disconnected.contains(name)) {
            return Optional.of(name + " is disconnected from the primary (disconnect() cut its link); reconnect() it first");
        }
        if (paused.contains(name)) {
            return Optional.of("replay is paused on " + name + "; resumeReplay() it first");
        }
        return Optional.empty();
    }
}
