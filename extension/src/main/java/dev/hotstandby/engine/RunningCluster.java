package dev.hotstandby.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A started cluster as the public API drives it; {@link EngineCluster} is the one implementation. */
public interface RunningCluster {

    /** The primary first, then the standbys in index order. */
    List<NodeRuntime> nodes();

    /** Copies of the databases as they are now and the declared fingerprint, so later refreshes are cheap. Idempotent. */
    void prepareRefresh();

    /** Whether the end of the JVM keeps it for the next run ({@code hotstandby.reuse}) instead of stopping it. */
    default boolean keptForNextRun() {
        return false;
    }

    /** Back to the declared state; see {@link EngineCluster#refresh()}. */
    RefreshKind refresh();

    /** The cluster's state as address-free text lines; equal for clusters of one configuration in their declared state. */
    List<String> fingerprint();

    /** The superuser every node accepts over TCP. */
    String username();

    /** Generated for this cluster; nothing else knows it. */
    String password();

    /**
     * Stops every node. Removes everything unless {@code keepEvidence}, in which case data and logs
     * stay and the returned text says where.
     */
    Optional<String> close(boolean keepEvidence);

    /** Stops a node cleanly (a fast shutdown, with a checkpoint); its data stays for {@link #start}. */
    void stop(NodeRuntime node);

    /** Crashes a node as {@code kill -9} of its postmaster would; the next start runs crash recovery. */
    void kill(NodeRuntime node);

    /** Starts a stopped node again and returns once it accepts connections. */
    void start(NodeRuntime node);

    /**
     * Promotes a standby and returns once it accepts writes; the other standbys are re-pointed at
     * it and follow it onto its new timeline. The former primary is left as it is (often stopped).
     */
    void promote(NodeRuntime standby);

    /** Turns a former primary into a standby of the current primary, re-seeded from it, and starts it. */
    void rejoin(NodeRuntime formerPrimary);

    /** Cuts a standby's replication link while both servers stay up. */
    void disconnect(NodeRuntime standby);

    /** Restores a link cut by {@link #disconnect}. */
    void reconnect(NodeRuntime standby);

    /** Latency on a standby's replication link, each way; zero removes it. */
    void delayLink(NodeRuntime standby, java.time.Duration oneWay);

    /** A bandwidth cap on a standby's replication link, each way; zero removes it. */
    void limitLink(NodeRuntime standby, long bytesPerSecond);

    /** Drops a standby's replication connections once; it dials again by itself. */
    void resetLink(NodeRuntime standby);

    /** With {@code clientFaults}: the test's connections to the node stop moving bytes, or move again. */
    void cutClients(NodeRuntime node, boolean cut);

    /** With {@code clientFaults}: latency on the test's connections to the node, each way; zero removes it. */
    void delayClients(NodeRuntime node, java.time.Duration oneWay);

    /**
     * {@code ALTER SYSTEM SET name = value} on a running node, then a reload, or a restart where the
     * parameter's context is postmaster; returns once the node shows the value in pg_settings (and a
     * standby that streamed streams again). True when the node was restarted for it.
     */
    boolean set(NodeRuntime node, String name, String value);

    /** {@code ALTER SYSTEM RESET name}, applied as {@link #set} applies a value. True when the node was restarted for it. */
    boolean reset(NodeRuntime node, String name);

    /** A logical slot on the primary (optionally a failover slot, 17+); returns its consistent point. */
    String createLogicalSlot(String slot, String plugin, boolean failover);

    /** A logical slot on a standby (16+); returns its consistent point. */
    String createLogicalSlot(NodeRuntime standby, String slot, String plugin);

    /** Returns once the standby has the primary's failover slot synced and as far as the primary's. */
    void awaitSlotSynced(NodeRuntime standby, String slot, Duration timeout);

    /** Returns once the slot on the node has confirmed the primary's current WAL position. */
    void awaitSlotCatchup(NodeRuntime node, String slot, Duration timeout);

    /** {@code segments} WAL switches on the primary, each after a write; returns the position after. */
    String advanceWal(int segments);

    /** This cluster's primary subscribes to {@code publication} on {@code publisher}'s; returns once the tables are synced. */
    void subscribe(RunningCluster publisher, String publication, String subscription, Duration timeout);

    /** Returns once the subscriber has applied the publisher's current WAL position. */
    void awaitSubscription(String subscription, Duration timeout);

    /**
     * A table of every node now: role, upstream, state, timeline, LSNs, lag, slots, faults, replay
     * and what set() changed; {@code brief}: the first columns, for a failure message.
     */
    String describe(boolean brief);
}
