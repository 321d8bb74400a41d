package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.Lsn;
import java.time.Duration;
import java.util.List;

/**
 * What "started" means on every backend: each standby's WAL receiver streams, its upstream lists it
 * as streaming in {@code pg_stat_replication} (with synchronous = true, as a synchronous candidate of
 * the primary), and it has replayed the primary's WAL as of now. Checked after boot, after rejoin.
 */
final class StartContract {
    private final ClusterSpec spec;
    private final Topology topology;

    StartContract(ClusterSpec spec, Topology topology) {
        this.spec = spec;
        this.topology = topology;
    }

    void await(List<BackendNode> standbys, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (BackendNode standby : standbys) {
            awaitStreaming(standby, Waits.remaining(deadline));
        }
        awaitReplayed(standbys, Waits.remaining(deadline));
    }

    /** Every one of {@code standbys} has replayed the primary's WAL as of now. */
    void awaitReplayed(List<BackendNode> standbys, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        BackendNode primary = topology.primary();
        Lsn target = Lsn.parse(Sql.single(primary, "SELECT pg_current_wal_flush_lsn()::text"));
        for (BackendNode standby : standbys) {
            Waits.until(standby.name() + " replays " + primary.name() + "'s WAL up to " + target, Waits.remaining(deadline),
                    () -> {
                        String replayed = standby.query("SELECT pg_last_wal_replay_lsn()::text");
                        return replayed != null && Lsn.parse(replayed).isAtLeast(target);
                    },
                    () -> standby.name() + " replayed up to " + Sql.single(standby, "SELECT pg_last_wal_replay_lsn()::text"));
        }
    }

    /** Both ends: the standby's receiver, then the upstream's sender. */
    void awaitStreaming(BackendNode standby, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        BackendNode upstream = topology.upstreamOf(standby);
        Waits.until(standby.name() + "'s WAL receiver streams from " + upstream.name(), Waits.remaining(deadline),
                () -> "streaming".equals(standby.query("SELECT status FROM pg_stat_wal_receiver")),
                () -> "its WAL receiver: " + describe(Sql.single(standby, "SELECT status FROM pg_stat_wal_receiver"))
                        + "\n" + String.join("\n", standby.logTail(15)));
        StartupTrace.mark(standby.name() + " receiver streams");
        // a WAL sender takes its priority from synchronous_standby_names a moment after it starts
        boolean candidate = spec.synchronous() && topology.isPrimary(upstream);
        String listed = "SELECT count(*) FROM pg_stat_replication WHERE application_name = " + Sql.literal(standby.name())
                + " AND state = 'streaming'" + (candidate ? " AND sync_priority > 0" : "");
        Waits.until(upstream.name() + " lists " + standby.name() + " as streaming" + (candidate ? " synchronous candidate" : "")
                        + " in pg_stat_replication", Waits.remaining(deadline),
                () -> "1".equals(upstream.query(listed)),
                () -> "pg_stat_replication on " + upstream.name() + ": " + Sql.single(upstream,
                        "SELECT coalesce(string_agg(application_name || ' ' || state || ' ' || sync_state, ', '), 'empty')"
                                + " FROM pg_stat_replication"));
        NodeLog.of(standby.name()).info("streaming from " + upstream.name());
    }

    private static String describe(String status) {
        return status == null ? "not running" : status;
    }
}
