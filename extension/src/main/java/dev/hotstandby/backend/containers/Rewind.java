package dev.hotstandby.backend.containers;

import dev.hotstandby.engine.BackendNode;

/**
 * pg_rewind for {@code rejoin}, inside the former primary's container: copies only what changed
 * since the timelines forked, from the source over the cluster's network. Runs as the data
 * directory's owner (pg_rewind refuses root); its output goes to the container's log either way.
 * wal_log_hints = on (configs/postgresql.conf) is what lets it run at all.
 */
final class Rewind {
    private Rewind() {
    }

    /** Whether the image has pg_rewind on its PATH (the official images do). */
    static boolean available(ContainerNode node) {
        return node.exec("command -v pg_rewind >/dev/null && echo yes || echo no").strip().equals("yes");
    }

    /**
     * Rewinds {@code target}'s cleanly stopped data directory to {@code source}'s timeline, then drops
     * the slots it kept as a primary (pg_rewind leaves pg_replslot alone; they would pin WAL for ever).
     * False means it failed and the directory must be re-seeded.
     */
    static boolean run(ContainerNode target, BackendNode source, String user) {
        String server = "host=" + source.replicationHost() + " port=" + source.replicationPort() + " user=" + user
                + " dbname=" + NodeConnections.DATABASE;
        try {
            // the container's log is process 1's output; PGPASSWORD is in the environment
            target.exec("set -o pipefail; { echo \"hotstandby: pg_rewind of " + target.name() + " from " + source.name()
                    + "\"; setpriv --reuid=\"$(stat -c %u \"$PGDATA\")\" --regid=\"$(stat -c %g \"$PGDATA\")\" --clear-groups"
                    + " pg_rewind --target-pgdata=\"$PGDATA\" --source-server='" + server + "' 2>&1; } | tee -a /proc/1/fd/1"
                    + " && rm -rf \"$PGDATA\"/pg_replslot/*");
            return true;
        } catch (RuntimeException failed) {
            target.exec("echo 'hotstandby: pg_rewind failed; re-seeding " + target.name() + " with a base backup instead'"
                    + " >> /proc/1/fd/1 || true");
            return false;
        }
    }
}
