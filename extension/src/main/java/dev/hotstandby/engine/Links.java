package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cutting and restoring a standby's replication link, for every backend, and the faults a link can
 * have (latency, a bandwidth cap, a reset): the backend cuts (a frozen relay, a network disconnect,
 * a firewall rule); on restore, if streaming has not resumed
 * shortly, the standby's server is restarted (it keeps its data): connections cut mid-stream can
 * leave either side half dead, and a WAL receiver that failed during the cut may not retry.
 */
final class Links {
    private static final Duration RESUME = Duration.ofSeconds(3);

    private final ClusterSpec spec;
    private final BackendCluster backend;
    private final Topology topology;
    /** Per standby, the upstream of its link when the test cut, delayed or capped it: a refresh undoes exactly that. */
    private final Map<BackendNode, BackendNode> cut = new ConcurrentHashMap<>();
    private final Map<BackendNode, BackendNode> delayed = new ConcurrentHashMap<>();
    private final Map<BackendNode, BackendNode> limited = new ConcurrentHashMap<>();

    Links(ClusterSpec spec, BackendCluster backend, Topology topology) {
        this.spec = spec;
        this.backend = backend;
        this.topology = topology;
    }

    void disconnect(BackendNode standby) {
        BackendNode upstream = topology.upstreamOf(standby);
        backend.cut(standby, upstream);
        cut.put(standby, upstream);
    }

    void delay(BackendNode standby, Duration oneWay) {
        BackendNode upstream = topology.upstreamOf(standby);
        backend.delayLink(standby, upstream, oneWay);
        remember(delayed, standby, upstream, !oneWay.isZero());
    }

    void limit(BackendNode standby, long bytesPerSecond) {
        BackendNode upstream = topology.upstreamOf(standby);
        backend.limitLink(standby, upstream, bytesPerSecond);
        remember(limited, standby, upstream, bytesPerSecond != 0);
    }

    private static void remember(Map<BackendNode, BackendNode> faults, BackendNode standby, BackendNode upstream,
                                 boolean set) {
        if (set) {
            faults.put(standby, upstream);
        } else {
            faults.remove(standby);
        }
    }

    /** For a refresh: every cut healed, every delay and cap removed, on the link each was set on. */
    void clearAll() {
        cut.forEach((standby, upstream) -> backend.heal(standby, upstream));
        cut.clear();
        delayed.forEach((standby, upstream) -> backend.delayLink(standby, upstream, Duration.ZERO));
        delayed.clear();
        limited.forEach((standby, upstream) -> backend.limitLink(standby, upstream, 0));
        limited.clear();
    }

    /** What is wrong with the links now, one entry per fault: empty in the declared state. */
    List<String> faults() {
        List<String> faults = new ArrayList<>();
        cut.keySet().forEach(standby -> faults.add(standby.name() + " cut"));
        delayed.keySet().forEach(standby -> faults.add(standby.name() + " delayed"));
        limited.keySet().forEach(standby -> faults.add(standby.name() + " capped"));
        return faults.stream().sorted().toList();
    }

    /** Returns once a new WAL receiver streams: a reset is a blip, not a cut. */
    void reset(BackendNode standby) {
        String receiver = Sql.single(standby, "SELECT pid FROM pg_stat_wal_receiver");
        backend.resetLink(standby, topology.upstreamOf(standby));
        Waits.until(standby.name() + " streams again through a new WAL receiver after its link was reset",
                spec.startTimeout(), () -> {
                    String now = standby.query("SELECT pid || ' ' || status FROM pg_stat_wal_receiver");
                    return now != null && now.endsWith(" streaming") && !now.startsWith(receiver + " ");
                }, () -> "pg_stat_wal_receiver: " + Sql.single(standby, "SELECT pid || ' ' || status FROM pg_stat_wal_receiver"));
    }

    void reconnect(BackendNode standby) {
        BackendNode upstream = cut.remove(standby);
        backend.heal(standby, upstream == null ? topology.upstreamOf(standby) : upstream);
        try {
            Waits.until(standby.name() + " streams again", RESUME,
                    () -> "streaming".equals(standby.query("SELECT status FROM pg_stat_wal_receiver")), () -> "");
        } catch (RuntimeException notResumed) {
            standby.stopServer();
            standby.startServer(spec.startTimeout());
        }
    }
}
