package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Promotion, for every backend: {@code pg_promote(false)} (a promote file and SIGUSR1 on 11 and
 * older), a 1 ms poll until the server leaves recovery, then the topology rewired and every
 * follower re-pointed at the new primary: its slot ensured there, its standby settings rewritten,
 * a reload from 13 on (primary_conninfo is reloadable there), a restart before.
 */
final class Failover {
    private final ClusterSpec spec;
    private final Topology topology;
    private final NodeFiles files;
    private final Slots slots;

    Failover(ClusterSpec spec, Topology topology, NodeFiles files, Slots slots) {
        this.spec = spec;
        this.topology = topology;
        this.files = files;
        this.slots = slots;
    }

    void promote(BackendNode promoted) {
        BackendNode former = topology.primary();
        if (spec.major() >= 12) {
            Sql.single(promoted, "SELECT pg_promote(false)");
        } else {
            promoted.triggerPromotion();
        }
        Waits.until(promoted.name() + " leaves recovery after its promotion", spec.startTimeout(),
                () -> "f".equals(promoted.query("SELECT pg_is_in_recovery()")),
                () -> "its log:\n" + String.join("\n", promoted.logTail(20)));
        topology.promoted(promoted, former);
        NodeLog.of(promoted.name()).info("promoted; the primary now, followed by "
                + topology.followersOf(promoted).stream().map(BackendNode::name).toList());
        files.promoted(promoted, restartOnly(promoted));
        // the followers' slots first: with logical = true (17+) the node.conf below names them in
        // synchronized_standby_slots
        for (BackendNode follower : topology.followersOf(promoted)) {
            slots.ensure(promoted, follower);
        }
        // a primary now: its node.conf names its direct standbys for synchronous_standby_names (and
        // their slots for synchronized_standby_slots), its user.conf no longer has the standby settings
        files.rewriteNodeConf(promoted);
        files.rewriteUserConf(promoted);
        Sql.reload(promoted);
        for (BackendNode follower : topology.followersOf(promoted)) {
            files.pointAt(follower, promoted);
            if (!follower.isServerRunning()) {
                continue;
            }
            if (spec.major() >= 13) {
                Sql.reload(follower);
            } else {
                follower.stopServer();
                follower.startServer(spec.startTimeout());
            }
        }
    }

    /** The standby settings the node applies only at a server start (pg_settings context postmaster). */
    private Set<String> restartOnly(BackendNode node) {
        Set<String> names = spec.settings().standbysOnly().keySet();
        if (names.isEmpty()) {
            return Set.of();
        }
        String list = names.stream().map(Sql::literal).collect(Collectors.joining(", "));
        String found = Sql.single(node, "SELECT coalesce(string_agg(name, ','), '') FROM pg_settings"
                + " WHERE context = 'postmaster' AND name IN (" + list + ")");
        return found == null || found.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(found.split(",")));
    }
}
