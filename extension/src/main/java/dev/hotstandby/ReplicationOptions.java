package dev.hotstandby;

import java.util.List;

/**
 * How the standbys replicate, beyond plain asynchronous streaming from the primary.
 *
 * @param synchronous      commits wait for standbys ({@code synchronous_standby_names})
 * @param commitLevel      how far they wait ({@code synchronous_commit}), when synchronous
 * @param quorum           how many standbys must confirm, when synchronous
 * @param upstreams        per standby, the index of the standby it streams from, or -1 for the
 *                         primary; empty: all stream from the primary
 * @param archiving        the primary archives its WAL and standbys restore from that archive
 * @param replicationSlots each standby streams through a physical slot on its upstream
 * @param logical          {@code wal_level = logical} on every node; from 17 also what failover slots
 *                         need: slot sync on the standbys, a physical slot per standby, and
 *                         {@code synchronized_standby_slots} on the primary (see {@link #failoverSlots(int)})
 */
public record ReplicationOptions(boolean synchronous, SynchronousCommit commitLevel, Quorum quorum,
                                 List<Integer> upstreams, boolean archiving, boolean replicationSlots,
                                 boolean logical) {

    public static final ReplicationOptions ASYNCHRONOUS =
            new ReplicationOptions(false, SynchronousCommit.REMOTE_APPLY, Quorum.ALL, List.of(), false, false, false);

    /** The first major with failover slots ({@code failover = true}, {@code sync_replication_slots}). */
    public static final int FAILOVER_SLOTS_MAJOR = 17;

    /** The first major that decodes on a standby (a logical slot created there). */
    public static final int STANDBY_DECODING_MAJOR = 16;

    /** Without logical replication: {@code wal_level = replica}, as before the option existed. */
    public ReplicationOptions(boolean synchronous, SynchronousCommit commitLevel, Quorum quorum,
                              List<Integer> upstreams, boolean archiving, boolean replicationSlots) {
        this(synchronous, commitLevel, quorum, upstreams, archiving, replicationSlots, false);
    }

    /** With logical = true on 17+, standbys sync failover slots from the primary. */
    public boolean failoverSlots(int major) {
        return logical && major >= FAILOVER_SLOTS_MAJOR;
    }

    /** Each standby streams through a physical slot: asked for, or implied by {@link #failoverSlots(int)}. */
    public boolean physicalSlots(int major) {
        return replicationSlots || failoverSlots(major);
    }

    /** The upstream of standby {@code index}: -1 for the primary. */
    public int upstreamOf(int index) {
        return upstreams.isEmpty() ? -1 : upstreams.get(index);
    }

    /** Validates against the number of standbys; names the attribute at fault. */
    void validate(String owner, int standbys, int major) {
        if (!upstreams.isEmpty() && upstreams.size() != standbys) {
            throw new ClusterConfigurationException(owner + ": upstreams must name one upstream per standby (" + standbys
                    + ") but has " + upstreams.size() + "; use -1 for the primary, e.g. upstreams = {-1, 0}");
        }
        for (int i = 0; i < upstreams.size(); i++) {
            int upstream = upstreams.get(i);
            if (upstream < -1 || upstream >= standbys || upstream == i) {
                throw new ClusterConfigurationException(owner + ": upstreams[" + i + "] must be -1 (the primary) or the"
                        + " index of another standby (0 to " + (standbys - 1) + ") but was " + upstream);
            }
            int hops = 0;
            for (int at = i; at != -1; at = upstreams.get(at)) {
                if (++hops > standbys) {
                    throw new ClusterConfigurationException(owner + ": upstreams form a loop through standby " + i
                            + "; every chain must end at the primary (-1)");
                }
            }
        }
        long direct = java.util.stream.IntStream.range(0, standbys).filter(i -> upstreamOf(i) == -1).count();
        if (!quorum.equals(Quorum.ALL)) {
            if (!synchronous) {
                throw new ClusterConfigurationException(owner + ": quorum " + quorum + " needs synchronous = true");
            }
            if (quorum.count() < 1 || quorum.count() > direct) {
                throw new ClusterConfigurationException(owner + ": quorum must require 1 to " + direct
                        + " standby(s) streaming from the primary but was " + quorum);
            }
        }
        if ((archiving || replicationSlots) && major < 12) {
            throw new ClusterConfigurationException(owner + ": " + (archiving ? "archiving" : "replicationSlots")
                    + " needs PostgreSQL 12 or newer (restore_command and primary_slot_name became settings in 12);"
                    + " this cluster asks for " + major);
        }
    }
}
