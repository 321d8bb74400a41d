package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import java.time.Duration;

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

    Links(ClusterSpec spec, BackendCluster backend, Topology topology) {
        this.spec = spec;
        this.backend = backend;
        this.topology = topology;
    }

    void disconnect(BackendNode standby) {
        backend.cut(standby, topology.upstreamOf(standby));
    }

    void delay(BackendNode standby, Duration oneWay) {
        backend.delayLink(standby, topology.upstreamOf(standby), oneWay);
    }

    void limit(BackendNode standby, long bytesPerSecond) {
        backend.limitLink(standby, topology.upstreamOf(standby), bytesPerSecond);
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
        backend.heal(standby, topology.upstreamOf(standby));
        try {
            Waits.until(standby.name() + " streams again", RESUME,
                    () -> "streaming".equals(standby.query("SELECT status FROM pg_stat_wal_receiver")), () -> "");
        } catch (RuntimeException notResumed) {
            standby.stopServer();
            standby.startServer(spec.startTimeout());
        }
    }
}
