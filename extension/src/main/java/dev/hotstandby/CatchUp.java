package dev.hotstandby;

import dev.hotstandby.engine.Waits;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Waits until standbys have replayed the primary's WAL, by position, as PostgreSQL's own TAP
 * {@code wait_for_catchup} does: no sleeping for a guessed time.
 */
final class CatchUp {
    private final ControlConnections control;

    CatchUp(ControlConnections control) {
        this.control = control;
    }

    void await(PostgresNode primary, List<PostgresNode> standbys, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Lsn target;
        try {
            target = flushedPosition(primary);
        } catch (SQLException e) {
            throw new ReplicationTimeoutException("Cannot read the WAL position of " + primary.name() + ": " + e.getMessage());
        }
        for (PostgresNode standby : standbys) {
            Waits.until(standby.name() + " replays up to " + target, Waits.remaining(deadline),
                    () -> {
                        Lsn replayed = replayedOrNull(standby);
                        return replayed != null && replayed.isAtLeast(target);
                    }, () -> "", ignored -> new ReplicationTimeoutException(describeTimeout(primary, standbys, target, timeout)));
        }
    }

    /**
     * Commits a tiny transaction with a local flush first: everything inserted before it, including
     * commits made with {@code synchronous_commit = off}, a VACUUM's records (which commit nothing)
     * and other sessions' open work, is then flushed and on its way to the standbys, so the position
     * waited for is one they will reach. The transaction must write WAL of its own: one that only
     * took an xid ({@code txid_current()}) commits without a flush. A transactional logical message
     * is WAL (at any wal_level), is ignored by replay, and makes the commit flush.
     */
    private Lsn flushedPosition(PostgresNode primary) throws SQLException {
        control.single(primary, "SELECT pg_logical_emit_message(true, 'hotstandby', 'catch-up')::text", String.class);
        return Lsn.parse(control.single(primary, "SELECT pg_current_wal_flush_lsn()::text", String.class));
    }

    private Lsn replayedOrNull(PostgresNode standby) {
        try {
            String replayed = control.single(standby, "SELECT pg_last_wal_replay_lsn()::text", String.class);
            return replayed == null ? null : Lsn.parse(replayed);
        } catch (SQLException unreachable) {
            return null;
        }
    }

    private String describeTimeout(PostgresNode primary, List<PostgresNode> standbys, Lsn target, Duration timeout) {
        StringBuilder message = new StringBuilder("Replication did not catch up within ").append(timeout)
                .append(": ").append(primary.name()).append(" flushed WAL up to ").append(target).append('\n');
        message.append(replicationStatus(primary));
        for (PostgresNode standby : standbys) {
            message.append(standby.name()).append(": ").append(standbyPosition(standby)).append('\n');
        }
        return message.toString();
    }

    String replicationStatus(PostgresNode primary) {
        StringBuilder status = new StringBuilder("pg_stat_replication on ").append(primary.name()).append(":\n");
        try {
            control.query(primary, statement -> {
                try (ResultSet rows = statement.executeQuery("SELECT application_name, state, sent_lsn, write_lsn,"
                        + " flush_lsn, replay_lsn, sync_state FROM pg_stat_replication ORDER BY application_name")) {
                    boolean any = false;
                    while (rows.next()) {
                        any = true;
                        status.append(String.format("  %s: state=%s sent=%s write=%s flush=%s replay=%s sync=%s%n",
                                rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                                rows.getString(5), rows.getString(6), rows.getString(7)));
                    }
                    if (!any) {
                        status.append("  (no standby connected)\n");
                    }
                    return null;
                }
            });
        } catch (SQLException e) {
            status.append("  (unavailable: ").append(e.getMessage()).append(")\n");
        }
        return status.toString();
    }

    String primaryPosition(PostgresNode primary) {
        try {
            return primary.name() + " has written WAL up to "
                    + control.single(primary, "SELECT pg_current_wal_lsn()::text", String.class);
        } catch (SQLException e) {
            return primary.name() + " is unreachable (" + e.getMessage() + ")";
        }
    }

    String standbyPosition(PostgresNode standby) {
        try {
            return control.query(standby, statement -> {
                try (ResultSet rows = statement.executeQuery("SELECT pg_last_wal_replay_lsn(), pg_last_wal_receive_lsn(),"
                        + " pg_last_xact_replay_timestamp(), pg_is_in_recovery()")) {
                    rows.next();
                    return "replayed up to " + rows.getString(1) + " (received up to " + rows.getString(2)
                            + ", last replayed commit at " + rows.getString(3) + ", in recovery: "
                            + rows.getBoolean(4) + ")";
                }
            });
        } catch (SQLException e) {
            return "unreachable (" + e.getMessage() + ")";
        }
    }
}
