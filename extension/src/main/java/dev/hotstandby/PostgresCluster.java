package dev.hotstandby;

import dev.hotstandby.engine.Backends;
import dev.hotstandby.engine.NodeLog;
import dev.hotstandby.engine.NodeRuntime;
import dev.hotstandby.engine.RunningCluster;
import dev.hotstandby.engine.StartupTrace;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A running PostgreSQL primary with its hot standbys, streaming. Usable without JUnit:
 *
 * <pre>{@code
 * try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
 *     ... write through cluster.primary().dataSource() ...
 *     cluster.awaitReplication();
 *     ... read through cluster.standby(0).dataSource() ...
 * }
 * }</pre>
 */
public final class PostgresCluster implements AutoCloseable {
    /** Generous for a loaded CI machine; a healthy loopback standby catches up in well under a millisecond. */
    public static final Duration DEFAULT_REPLICATION_TIMEOUT = Duration.ofSeconds(30);

    /** Its owner names the current user: a shared cluster's changes with each. */
    private volatile ClusterSpec spec;
    private final RunningCluster running;
    /** Where {@link #close()} hands a shared cluster back; null for a cluster of its own. */
    private final SharedClusters.Pool pool;
    /** Refreshes so far, for integrations that set things up on the cluster and must do it again after one. */
    private final java.util.concurrent.atomic.AtomicLong refreshes = new java.util.concurrent.atomic.AtomicLong();
    private final List<PostgresNode> nodes;
    private final ControlConnections control = new ControlConnections();
    private final CatchUp catchUp = new CatchUp(control);
    private final NodeConditions conditions;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean keepEvidence;

    private PostgresCluster(ClusterSpec spec, RunningCluster running, SharedClusters.Pool pool) {
        this.spec = spec;
        this.running = running;
        this.pool = pool;
        this.nodes = running.nodes().stream()
                .map(node -> new PostgresNode(node, running.username(), running.password(), spec.application(), this))
                .toList();
        this.conditions = new NodeConditions(nodes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a cluster from an already validated spec. */
    public static PostgresCluster start(ClusterSpec spec) {
        return new PostgresCluster(spec, Backends.forSpec(spec).start(spec), null);
    }

    /**
     * With {@code shared}: takes a free shared cluster of this spec's configuration (every value but
     * the owner equal), refreshed, or starts one; its {@link #close()} hands it back. Without: as
     * {@link #start(ClusterSpec)}.
     */
    public static PostgresCluster start(ClusterSpec spec, boolean shared) {
        return shared ? SharedClusters.take(spec) : start(spec);
    }

    /**
     * Stops every shared cluster of this JVM that no user holds now, as the end of the JVM would (with
     * {@code hotstandby.reuse} they are removed, not handed to the next run); returns how many. For a
     * suite that wants the memory back before it ends, and for tests that count servers.
     */
    public static int stopIdleSharedClusters() {
        return SharedClusters.stopIdle();
    }

    /** A new cluster of {@code pool}, prepared for the refreshes between its users. */
    static PostgresCluster startShared(ClusterSpec spec, SharedClusters.Pool pool) {
        RunningCluster running = Backends.forSpec(spec).start(spec);
        try {
            running.prepareRefresh();
        } catch (RuntimeException | Error failure) {
            running.close(false);
            throw failure;
        }
        return new PostgresCluster(spec, running, pool);
    }

    /** A shared cluster of {@code pool} over a running one (kept from an earlier run, or started for reuse). */
    static PostgresCluster sharedOver(ClusterSpec spec, RunningCluster running, SharedClusters.Pool pool) {
        return new PostgresCluster(spec, running, pool);
    }

    /** The pool hands this shared cluster to its next user, {@code owner}, after a refresh. */
    void takenBy(ClusterSpec owner) {
        refresh();
        spec = owner;
        keepEvidence = false;
        closed.set(false);
    }

    /** True for a cluster of {@code PostgresCluster.builder().shared(true)} or {@code @PostgresStandbyCluster(shared = true)}. */
    public boolean isShared() {
        return pool != null;
    }

    boolean keptForNextRun() {
        return running.keptForNextRun();
    }

    public ClusterSpec spec() {
        return spec;
    }

    public PostgresNode primary() {
        return nodes.stream().filter(PostgresNode::isPrimary).findFirst()
                .orElseThrow(() -> new IllegalStateException("the cluster has no primary"));
    }

    /** The standby with this index, from 0. */
    public PostgresNode standby(int index) {
        List<PostgresNode> standbys = standbys();
        if (index < 0 || index >= standbys.size()) {
            throw new IllegalArgumentException("standby(" + index + "): this cluster has " + standbys.size()
                    + " standby(s)" + (standbys.isEmpty() ? "" : ", indexes 0 to " + (standbys.size() - 1)));
        }
        return standbys.get(index);
    }

    /** The current standbys, in name order; after a failover the promoted one is no longer among them. */
    public List<PostgresNode> standbys() {
        return nodes.stream().filter(PostgresNode::isStandby).toList();
    }

    /** The primary first, then the standbys. */
    public List<PostgresNode> nodes() {
        return nodes;
    }

    /**
     * Brings the cluster back to its declared state, as a fresh cluster of its configuration shows it:
     * roles and upstreams as declared (the {@code primary} is the primary again), every node running and
     * streaming on timeline 1, replay resumed, no link or client fault, what {@link #set} changed reset,
     * slots as declared and no other, no subscription or replication origin, and every database as it was
     * after the init scripts (databases and roles made since dropped). Each node keeps its address, so
     * JDBC URLs and handles stay valid; open connections to the databases are ended (a pool reconnects).
     * Where the topology is as declared the servers keep running and the databases are re-created from
     * copies taken at start (the first refresh of a cluster that is not shared takes them: it boots the
     * servers again); after a promotion or a rejoin they are booted again in place. Afterwards the
     * cluster's {@link #fingerprint()} must equal the declared one. Call it in {@code @AfterEach} to
     * isolate the tests of a class; a shared cluster is refreshed before each class takes it.
     *
     * @throws ClusterRefreshException when the declared state cannot be restored, naming what differs
     */
    public synchronized void refresh() {
        control.close();
        try {
            running.refresh();
        } finally {
            conditions.clear();
            control.close();
            refreshes.incrementAndGet();
        }
    }

    /** How many times {@link #refresh()} ran: an integration that set up the databases does it again after one. */
    public long refreshCount() {
        return refreshes.get();
    }

    /**
     * The cluster's state as text lines without addresses, ports or object ids: each node's role,
     * timeline, replay and followers, its postgresql.auto.conf, pending restarts and slots, the link and
     * client faults, the databases, roles, subscriptions and replication origins, and per database its
     * objects and each table's row count and content hash. Two clusters of one configuration in their
     * declared state show equal fingerprints; {@link #refresh()} checks it.
     */
    public List<String> fingerprint() {
        return running.fingerprint();
    }

    /** Returns once every standby has replayed the primary's current WAL position; waits at most 30 s. */
    public void awaitReplication() {
        awaitReplication(DEFAULT_REPLICATION_TIMEOUT);
    }

    /**
     * Returns once every standby has replayed the primary's current WAL position.
     *
     * @throws ReplicationTimeoutException showing {@code pg_stat_replication} and each standby's replay position
     */
    public synchronized void awaitReplication(Duration timeout) {
        for (PostgresNode standby : standbys()) {
            conditions.whyNotReplaying(standby).ifPresent(reason -> {
                throw new ReplicationTimeoutException("Replication cannot catch up: " + reason);
            });
        }
        catchUp.await(primary(), standbys(), timeout);
    }

    /**
     * Promotes a standby: returns the new primary as soon as it accepts writes. The other standbys
     * follow it onto its new timeline; {@link #primary()} is the promoted node from now on. The
     * former primary is left as it is (usually stopped or killed first).
     */
    public synchronized PostgresNode promote(PostgresNode standby) {
        conditions.requireStandby(standby, "promote");
        conditions.requireReplaying(standby, "promote");
        conditions.requireConnected(standby, "promote", "disconnected (disconnect() cut its link)");
        running.promote(standby.runtime());
        control.close();
        return standby;
    }

    /**
     * Turns a former primary into a standby of the current primary: rewound with pg_rewind where the
     * binaries have it, else re-seeded from it (either way its own diverged changes are discarded),
     * started, and streaming. Returns once the current primary lists it as streaming.
     */
    public synchronized void rejoin(PostgresNode formerPrimary) {
        conditions.requireMember(formerPrimary, "rejoin");
        if (formerPrimary.isPrimary() || formerPrimary.isStandby()) {
            throw new IllegalArgumentException("rejoin(" + formerPrimary.name() + "): " + formerPrimary.name() + " is "
                    + (formerPrimary.isPrimary() ? "the primary" : "already a standby")
                    + "; only a former primary, after promote(), rejoins");
        }
        running.rejoin(formerPrimary.runtime());
        conditions.started(formerPrimary);
        conditions.disconnected(formerPrimary, false);
    }

    /** Stops a node cleanly (fast shutdown); {@link #start(PostgresNode)} brings it back with its data. */
    public synchronized void stop(PostgresNode node) {
        conditions.requireRunning(node, "stop");
        running.stop(node.runtime());
        conditions.stopped(node);
    }

    /** Crashes a node: {@code kill -9} of its postmaster. Its next start runs crash recovery. */
    public synchronized void kill(PostgresNode node) {
        conditions.requireRunning(node, "kill");
        running.kill(node.runtime());
        conditions.stopped(node);
    }

    /** Starts a stopped or killed node; returns once it accepts connections. */
    public synchronized void start(PostgresNode node) {
        conditions.requireStopped(node, "start");
        running.start(node.runtime());
        conditions.started(node);
    }

    /** Stops (if running) and starts a node. */
    public synchronized void restart(PostgresNode node) {
        conditions.requireMember(node, "restart");
        if (!conditions.isStopped(node)) {
            running.stop(node.runtime());
            conditions.stopped(node);
        }
        start(node);
    }

    /**
     * Sets a server parameter on a running node, as {@code ALTER SYSTEM SET name = 'value'} (kept in
     * its postgresql.auto.conf across restarts): reloaded where the parameter's context allows, the
     * node restarted where it needs that ({@code pg_settings.context = 'postmaster'}, e.g.
     * {@code shared_buffers}). Returns once the node shows the value in {@code pg_settings} as
     * PostgreSQL normalises it ({@code '8MB'} for {@code work_mem} shows as 8192 kB), and a standby
     * that streamed before streams again (after a restart, also the standbys streaming from the node).
     * A {@code backend} parameter changes for new sessions only.
     *
     * @throws IllegalArgumentException for an unknown name (naming the nearest ones), a read-only one,
     *         a parameter hotstandby sets itself (port, listen_addresses, unix_socket_directories,
     *         primary_conninfo, primary_slot_name, synchronous_standby_names, archive_command,
     *         restore_command, cluster_name; the message says what controls it), or a value the server refuses
     * @throws IllegalStateException for a stopped node
     */
    public synchronized void set(PostgresNode node, String name, String value) {
        conditions.requireRunning(node, "set");
        if (running.set(node.runtime(), name, value)) {
            conditions.stopped(node);   // a restart resumes a paused replay
            conditions.started(node);
        }
    }

    /**
     * Removes what {@link #set(PostgresNode, String, String)} set ({@code ALTER SYSTEM RESET name}): the
     * node takes the parameter from its configuration files again, after a reload or a restart as the
     * parameter needs, and returns once {@code pg_settings} no longer takes it from postgresql.auto.conf.
     */
    public synchronized void reset(PostgresNode node, String name) {
        conditions.requireRunning(node, "reset");
        if (running.reset(node.runtime(), name)) {
            conditions.stopped(node);
            conditions.started(node);
        }
    }

    /** Pauses WAL replay on a standby: it stays connected and receives WAL but shows nothing new. */
    public synchronized void pauseReplay(PostgresNode standby) {
        conditions.requireStandby(standby, "pauseReplay");
        conditions.requireRunning(standby, "pauseReplay");
        conditions.requireNotPaused(standby);
        execute(standby, "SELECT pg_wal_replay_pause()");
        conditions.paused(standby, true);
    }

    public synchronized void resumeReplay(PostgresNode standby) {
        conditions.requirePaused(standby);
        execute(standby, "SELECT pg_wal_replay_resume()");
        conditions.paused(standby, false);
    }

    /**
     * Delays replay on a standby by at least {@code delay} behind each commit
     * ({@code recovery_min_apply_delay}); {@link Duration#ZERO} removes the delay.
     */
    public synchronized void applyDelay(PostgresNode standby, Duration delay) {
        conditions.requireStandby(standby, "applyDelay");
        conditions.requireRunning(standby, "applyDelay");
        if (spec.synchronous() && !delay.isZero()) {
            throw new IllegalStateException("applyDelay(" + standby.name() + "): this cluster is synchronous"
                    + " (synchronous_commit = remote_apply), so an apply delay would hold every commit on the primary"
                    + " for " + delay + "; use an asynchronous cluster for lag tests");
        }
        if (spec.major() < 12) {
            throw new UnsupportedOperationException("applyDelay(" + standby.name() + ") needs PostgreSQL 12 or newer"
                    + " (recovery_min_apply_delay became a reloadable setting in 12); this cluster runs " + spec.major());
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("applyDelay(" + standby.name() + "): the delay must not be negative but was " + delay);
        }
        execute(standby, delay.isZero() ? "ALTER SYSTEM RESET recovery_min_apply_delay"
                : "ALTER SYSTEM SET recovery_min_apply_delay = '" + delay.toMillis() + "ms'");
        execute(standby, "SELECT pg_reload_conf()");
    }

    /**
     * Cuts a standby's replication link while both servers stay up; writes on the primary no longer
     * reach it. A partition, not a reset: the connections stay open, and what the primary hands to
     * the link from then on is held (in a relay or a kernel's buffers, as much as they take), not dropped.
     */
    public synchronized void disconnect(PostgresNode standby) {
        conditions.requireStandby(standby, "disconnect");
        conditions.requireRunning(standby, "disconnect");
        conditions.requireConnected(standby);
        running.disconnect(standby.runtime());
        conditions.disconnected(standby, true);
    }

    /**
     * Restores the link cut by {@link #disconnect(PostgresNode)}; the standby catches up by streaming.
     * What the link held arrives first, as TCP delivers a live host's unacknowledged bytes once a
     * partition heals, also from a primary {@link #kill killed} meanwhile ({@code kill} crashes the
     * server process, not its host): reconnected before its promotion, a standby may have writes
     * the primary acknowledged during the cut.
     */
    public synchronized void reconnect(PostgresNode standby) {
        conditions.requireDisconnected(standby);
        running.reconnect(standby.runtime());
        conditions.disconnected(standby, false);
    }

    /**
     * A logical replication slot on the current primary, in the cluster's database, as
     * {@code pg_create_logical_replication_slot(slot, plugin)}: {@code "pgoutput"} (built in, what
     * subscriptions and Debezium use) or {@code "test_decoding"} (contrib, text). Needs
     * {@code logical = true} (or {@code wal_level = logical} in {@code settings}). Returns the slot's
     * consistent point: a consumer gets every change committed after it.
     *
     * @throws IllegalArgumentException for a blank name, an unknown plugin, a name already taken
     */
    public String createLogicalSlot(String slot, String plugin) {
        return createLogicalSlot(slot, plugin, false);
    }

    /**
     * As {@link #createLogicalSlot(String, String)}; with {@code failover = true} (PostgreSQL 17+, and
     * {@code logical = true}) the standbys sync the slot, so a consumer resumes on the promoted node
     * after a failover ({@link #awaitSlotSynced} before it). A slot with {@code failover = false} stays on
     * this primary only: after a promotion the new primary has no such slot.
     *
     * @throws UnsupportedOperationException for a failover slot before 17
     */
    public synchronized String createLogicalSlot(String slot, String plugin, boolean failover) {
        String operation = "createLogicalSlot";
        requireName(operation, "slot", slot);
        requireName(operation, "plugin", plugin);
        conditions.requireRunning(primary(), operation);
        return running.createLogicalSlot(slot, plugin, failover);
    }

    /**
     * A logical replication slot on a standby (PostgreSQL 16+: decoding on a standby), in the cluster's
     * database. The creation waits for a snapshot of running transactions from the primary; this
     * logs one there ({@code pg_log_standby_snapshot()}) until the slot is consistent, so it does not hang
     * on an idle primary. Returns the slot's consistent point.
     *
     * @throws IllegalArgumentException for the primary or a former primary, a blank name, an unknown plugin
     * @throws UnsupportedOperationException before 16
     */
    public synchronized String createLogicalSlot(PostgresNode standby, String slot, String plugin) {
        String operation = "createLogicalSlot";
        requireNode(operation, "standby", standby);
        conditions.requireStandby(standby, operation);
        requireName(operation, "slot", slot);
        requireName(operation, "plugin", plugin);
        conditions.requireRunning(standby, operation);
        conditions.requireRunning(primary(), operation);
        return running.createLogicalSlot(standby.runtime(), slot, plugin);
    }

    /**
     * Returns once {@code standby} has the primary's failover slot {@code slot} synced
     * ({@code synced}, not {@code temporary}, no {@code invalidation_reason}) and its
     * {@code confirmed_flush_lsn} has reached the one the primary's slot has now (PostgreSQL 17+,
     * {@code logical = true}): a promotion after this return resumes the consumer no earlier than that.
     * A standby syncs a new slot only once the primary's consumer has moved past what the standby can
     * serve, so keep consuming while this waits. Waits at most 30 s; fails after 5 s, naming that
     * cause, while the standby holds only a temporary copy and no consumer moves the primary's slot.
     *
     * @throws ReplicationTimeoutException showing both nodes' {@code pg_replication_slots}, or the cause
     */
    public void awaitSlotSynced(PostgresNode standby, String slot) {
        String operation = "awaitSlotSynced";
        requireNode(operation, "standby", standby);
        conditions.requireStandby(standby, operation);
        requireName(operation, "slot", slot);
        conditions.requireRunning(standby, operation);
        conditions.requireRunning(primary(), operation);
        running.awaitSlotSynced(standby.runtime(), slot, DEFAULT_REPLICATION_TIMEOUT);
    }

    /**
     * Returns once the logical slot {@code slot} on {@code node} (the primary, or a standby's own slot)
     * has a {@code confirmed_flush_lsn} at the primary's current WAL position: its consumer has
     * acknowledged everything written so far. Fails at once for a slot that is gone or invalidated.
     * Waits at most 30 s.
     *
     * @throws ReplicationTimeoutException showing the node's {@code pg_replication_slots}
     */
    public void awaitSlotCatchup(PostgresNode node, String slot) {
        String operation = "awaitSlotCatchup";
        requireNode(operation, "node", node);
        requireName(operation, "slot", slot);
        conditions.requireRunning(node, operation);
        conditions.requireRunning(primary(), operation);
        running.awaitSlotCatchup(node.runtime(), slot, DEFAULT_REPLICATION_TIMEOUT);
    }

    /**
     * Moves the primary's WAL on by {@code segments} segments: a small write, then
     * {@code pg_switch_wal()}, that many times (PostgreSQL's TAP {@code advance_wal}); for archive tests
     * and for slots that {@code max_slot_wal_keep_size} invalidates once their WAL is gone.
     * Returns the primary's WAL position after.
     */
    public synchronized String advanceWal(int segments) {
        if (segments < 1) {
            throw new IllegalArgumentException("advanceWal(" + segments + "): segments must be 1 or more but was "
                    + segments + "; each is one pg_switch_wal() after a write");
        }
        conditions.requireRunning(primary(), "advanceWal");
        return running.advanceWal(segments);
    }

    /**
     * Makes this cluster's primary subscribe to {@code publication} on {@code publisher}'s primary
     * ({@code CREATE SUBSCRIPTION} in this cluster's database, connecting to the publisher's database
     * as its superuser, password included), and returns once every table's initial copy is done
     * ({@code pg_subscription_rel} all {@code r} or {@code s}) and the subscriber has applied the
     * publisher's WAL as of now. The two clusters may run different majors (an upgrade rehearsal);
     * the publisher needs {@code logical = true} and the publication, the subscriber the tables.
     *
     * @throws UnsupportedOperationException where the two clusters' backends cannot reach each other
     */
    public synchronized void subscribe(PostgresCluster publisher, String publication, String subscription) {
        String operation = "subscribe";
        if (publisher == null) {
            throw new IllegalArgumentException(operation + ": publisher must be the PostgresCluster whose primary"
                    + " has the publication, but was null");
        }
        if (publisher == this) {
            throw new IllegalArgumentException(operation + ": publisher is this cluster; a cluster's primary"
                    + " subscribes to another cluster's publication (in one cluster the standbys have the data already)");
        }
        requireName(operation, "publication", publication);
        requireName(operation, "subscription", subscription);
        if (publisher.closed.get()) {
            throw new IllegalStateException(operation + ": the publisher " + publisher.spec.owner() + " is closed");
        }
        conditions.requireRunning(primary(), operation);
        publisher.conditions.requireRunning(publisher.primary(), operation);
        running.subscribe(publisher.running, publication, subscription, DEFAULT_REPLICATION_TIMEOUT);
    }

    /**
     * Returns once the subscription {@code subscription}, made by {@link #subscribe}, has applied the
     * publisher's WAL as of now (the publisher's {@code pg_stat_replication} shows it). Waits at most 30 s.
     *
     * @throws ReplicationTimeoutException showing the publisher's {@code pg_stat_replication}
     */
    public void awaitSubscription(String subscription) {
        requireName("awaitSubscription", "subscription", subscription);
        running.awaitSubscription(subscription, DEFAULT_REPLICATION_TIMEOUT);
    }

    private void requireNode(String operation, String argument, PostgresNode node) {
        if (node == null) {
            throw new IllegalArgumentException(operation + ": " + argument + " must be a node of this cluster,"
                    + " e.g. cluster.standby(0), but was null");
        }
        conditions.requireMember(node, operation);
    }

    private static void requireName(String operation, String argument, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(operation + ": " + argument + " must be a name, e.g. "
                    + switch (argument) {
                        case "plugin" -> "\"pgoutput\" or \"test_decoding\"";
                        case "publication" -> "\"orders_pub\"";
                        case "subscription" -> "\"orders_sub\"";
                        default -> "\"cdc_slot\"";
                    } + ", but was " + (name == null ? "null" : "\"" + name + "\""));
        }
    }

    /**
     * Adds latency to a standby's replication link, {@code oneWay} in each direction: with
     * {@code synchronous = true} every commit waits at least a round trip; {@code Duration.ZERO}
     * removes it. On the local and containers backends a relay of the test JVM delays it, and the
     * delay stays with the standby's link across a failover; on machines it is netem in each end's
     * kernel, for the link it was set on.
     *
     * @throws UnsupportedOperationException where a machine's kernel has no netem (sch_netem), naming it
     */
    public synchronized void delayLink(PostgresNode standby, Duration oneWay) {
        requireLinkOperation(standby, "delayLink");
        if (oneWay == null || oneWay.isNegative()) {
            throw new IllegalArgumentException("delayLink(" + standby.name() + "): the delay must not be negative or"
                    + " null but was " + oneWay + "; Duration.ZERO removes it");
        }
        running.delayLink(standby.runtime(), oneWay);
    }

    /**
     * Caps a standby's replication link at {@code bytesPerSecond} in each direction; {@code 0}
     * removes the cap. A relay of the test JVM paces it (local, containers); on machines an HTB class
     * of each end's kernel.
     */
    public synchronized void limitLink(PostgresNode standby, long bytesPerSecond) {
        requireLinkOperation(standby, "limitLink");
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("limitLink(" + standby.name() + "): bytesPerSecond must not be negative"
                    + " but was " + bytesPerSecond + "; 0 removes the cap");
        }
        running.limitLink(standby.runtime(), bytesPerSecond);
    }

    /**
     * Drops a standby's replication connections once, as a reset does; returns once a new WAL
     * receiver streams (the standby dials again by itself). The relay closes them (local,
     * containers); on machines {@code ss -K} aborts them, with an RST.
     */
    public synchronized void resetLink(PostgresNode standby) {
        requireLinkOperation(standby, "resetLink");
        conditions.requireConnected(standby, "resetLink", "disconnected (disconnect() cut its link)");
        running.resetLink(standby.runtime());
    }

    /**
     * With {@code clientFaults}: the test's and the application's connections to {@code node} hang,
     * as a network cut makes them (no refusal, no reset: a pool's socket timeout and validation must
     * cope); new ones hang too. The cluster's own waits still reach the node.
     */
    public void cutClients(PostgresNode node) {
        conditions.requireMember(node, "cutClients");
        running.cutClients(node.runtime(), true);
    }

    /** Lets bytes flow again on the connections {@link #cutClients} cut; those that waited carry on. */
    public void restoreClients(PostgresNode node) {
        conditions.requireMember(node, "restoreClients");
        running.cutClients(node.runtime(), false);
    }

    /** With {@code clientFaults}: {@code oneWay} latency on every connection of the test's to {@code node}; zero removes it. */
    public void delayClients(PostgresNode node, Duration oneWay) {
        conditions.requireMember(node, "delayClients");
        if (oneWay == null || oneWay.isNegative()) {
            throw new IllegalArgumentException("delayClients(" + node.name() + "): the delay must not be negative or"
                    + " null but was " + oneWay + "; Duration.ZERO removes it");
        }
        running.delayClients(node.runtime(), oneWay);
    }

    private void requireLinkOperation(PostgresNode standby, String operation) {
        conditions.requireStandby(standby, operation);
        conditions.requireRunning(standby, operation);
    }

    /**
     * A {@code DataSource} for code without Spring that splits reads from writes as a replica router
     * does: a connection set read-only ({@code setReadOnly(true)}) before its first statement goes to
     * {@code standby}, every other to the node that is the primary when it opens, so it follows
     * {@link #promote(PostgresNode)} like the injected {@code @Primary DataSource}. Each connection is
     * opened lazily, at its first statement, and is a new pgjdbc connection (no pool).
     *
     * @throws IllegalArgumentException when {@code standby} is not a standby of this cluster now
     */
    public DataSource readWriteSplitDataSource(PostgresNode standby) {
        conditions.requireStandby(standby, "readWriteSplitDataSource");
        return new ReadWriteSplitDataSource(this, standby);
    }

    /** Every node in pgjdbc's multi-host syntax, for {@code targetServerType=primary} or {@code preferSecondary}. */
    public String multiHostJdbcUrl() {
        return multiHostJdbcUrl(spec.application().database());
    }

    public String multiHostJdbcUrl(String database) {
        return "jdbc:postgresql://" + nodes.stream().map(node -> node.host() + ":" + node.port())
                .collect(java.util.stream.Collectors.joining(",")) + "/" + database;
    }

    private void execute(PostgresNode node, String sql) {
        try {
            control.query(node, statement -> statement.execute(sql));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(node.name() + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    /** For messages: how far a standby has replayed and where the primary is, or the primary's replication status. */
    String describePosition(PostgresNode node) {
        if (node.isPrimary()) {
            return catchUp.replicationStatus(node);
        }
        return node.name() + " " + catchUp.standbyPosition(node) + "; " + catchUp.primaryPosition(primary());
    }

    /** After a failure: keep data directories and logs when closed, and print where they are. */
    public void keepEvidenceOnClose() {
        keepEvidence = true;
    }

    /**
     * Every node as it is now, a row each: name, role, upstream, state (running, streaming, catching
     * up, not streaming, cut, stopped, killed), timeline, the primary's current WAL position or a
     * standby's received, flushed and replayed ones, lag behind the primary (bytes, and the upstream's
     * {@code replay_lag}), slots with the WAL each retains, link and client faults, paused or delayed
     * replay, and the settings {@link #set} changed. Read from the servers at the call.
     */
    public String describe() {
        return running.describe(false);
    }

    /** {@link #describe()}'s first columns (node to lag), as a failed test's message shows them. */
    public String describeBriefly() {
        return running.describe(true);
    }

    /** The last lines of every node's server log, each block headed by the node's name. */
    public String serverLogTails(int lines) {
        StringBuilder tails = new StringBuilder();
        for (NodeRuntime node : running.nodes()) {
            tails.append("\n--- last lines of the server log of ").append(node.name()).append(" ---\n");
            node.logTail(lines).forEach(line -> tails.append(line).append('\n'));
        }
        return tails.toString();
    }

    /**
     * Stops every node and removes its data, unless {@link #keepEvidenceOnClose()} was called. Idempotent.
     * A shared cluster is handed back to its pool instead, for the next user (refreshed before it takes
     * it); with evidence kept, it leaves the pool and is stopped, its data kept.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        control.close();
        if (pool != null && !keepEvidence) {
            pool.release(this);
            return;
        }
        stop();
    }

    /** Stops the servers for good, whether shared or not. */
    void stop() {
        Optional<String> kept = running.close(keepEvidence);
        kept.ifPresent(where -> NodeLog.forCluster(spec.owner()).warn("data directories and server logs kept in " + where));
    }

    @Override
    public String toString() {
        return "PostgresCluster" + nodes;
    }

    /** Chooses what {@link #start()} builds; system properties {@code hotstandby.*} override for a whole run. */
    public static final class Builder {
        private String owner = "PostgresCluster.builder()";
        private int standbys = 1;
        private String version = "";
        private Backend backend = Backend.LOCAL;
        private boolean synchronous;
        private SynchronousCommit synchronousCommit = SynchronousCommit.REMOTE_APPLY;
        private Quorum quorum = Quorum.ALL;
        private List<Integer> upstreams = List.of();
        private boolean archiving;
        private boolean replicationSlots;
        private boolean logical;
        private Duration startTimeout = Duration.ofSeconds(60);
        private String image = "";
        private SshHosts hosts;
        private ServerSettings settings = ServerSettings.NONE;
        private String database = ApplicationOptions.DEFAULT_DATABASE;
        private String username = ApplicationOptions.SUPERUSER;
        private String password;
        private List<String> initScripts = List.of();
        private boolean clientFaults;
        private boolean shared;

        private Builder() {
        }

        /**
         * Shares the cluster with every other user of this JVM asking for an equal configuration (every
         * option but {@link #describedAs} equal): {@link #start()} takes a free one, {@link #refresh()
         * refreshed}, or starts one, and {@code close()} hands it back instead of stopping it. Two users
         * never hold one at the same time; the pool's clusters stop when the JVM ends (or, with the
         * option {@code hotstandby.reuse}, are handed to the next run).
         */
        public Builder shared(boolean shared) {
            this.shared = shared;
            return this;
        }

        /** Number of hot standbys, 0 to 8; default 1. */
        public Builder standbys(int standbys) {
            this.standbys = standbys;
            return this;
        }

        /**
         * PostgreSQL major such as "17"; "" (the default) means {@value PostgresMajor#DEFAULT}. An exact
         * binaries version such as "16.15.0" pins the minor ({@link Backend#LOCAL} only; docs/versions.md).
         */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder backend(Backend backend) {
            this.backend = backend;
            return this;
        }

        /** Commits return once every standby has applied them ({@code synchronous_commit = remote_apply}). */
        public Builder synchronous(boolean synchronous) {
            this.synchronous = synchronous;
            return this;
        }

        /** With {@link #synchronous(boolean) synchronous}: how far standbys must take a commit; default remote_apply. */
        public Builder synchronousCommit(SynchronousCommit level) {
            this.synchronousCommit = level;
            return this;
        }

        /** With {@link #synchronous(boolean) synchronous}: {@code Quorum.first(n)} or {@code Quorum.any(n)}; default all. */
        public Builder quorum(Quorum quorum) {
            this.quorum = quorum;
            return this;
        }

        /**
         * Cascading: for each standby, the index of the standby it streams from, or -1 for the
         * primary. {@code upstreams(-1, 0)}: standby-0 streams from the primary, standby-1 from standby-0.
         */
        public Builder upstreams(int... upstreams) {
            this.upstreams = java.util.Arrays.stream(upstreams).boxed().toList();
            return this;
        }

        /** The primary archives WAL into the cluster's archive; standbys restore from it when streaming cannot serve them. */
        public Builder archiving(boolean archiving) {
            this.archiving = archiving;
            return this;
        }

        /** Each standby streams through a physical replication slot, so its upstream keeps the WAL it still needs. */
        public Builder replicationSlots(boolean replicationSlots) {
            this.replicationSlots = replicationSlots;
            return this;
        }

        /**
         * {@code wal_level = logical} on every node, for logical slots, decoding and publications; on
         * PostgreSQL 17+ also what failover slots need, so standbys sync them with no further setting:
         * on the standbys {@code sync_replication_slots = on}, {@code hot_standby_feedback = on}, a physical
         * slot each ({@code primary_slot_name}) and a {@code dbname} in {@code primary_conninfo}; on the
         * primary {@code synchronized_standby_slots} naming those slots.
         */
        public Builder logical(boolean logical) {
            this.logical = logical;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * The container image of {@link Backend#CONTAINERS}, e.g. {@code "postgres:17-alpine"}: any image
         * following the official postgres image's contract; {@code ""} (the default) is {@code postgres:<major>}.
         * The system property {@code hotstandby.image} overrides it; other backends ignore it.
         */
        public Builder image(String image) {
            this.image = image;
            return this;
        }

        /** The hosts of {@link Backend#SSH}; without them, the file the system property {@value SshHosts#PROPERTY} names. */
        public Builder hosts(SshHosts hosts) {
            this.hosts = hosts;
            return this;
        }

        /**
         * A server parameter on every node, in postgresql.conf syntax: {@code setting("max_connections", "200")},
         * {@code setting("shared_preload_libraries", "'pg_stat_statements'")}. Written into each node's
         * {@code user.conf}, which wins over the library's own settings; the ones the library controls
         * itself (port, primary_conninfo, ...) are rejected, naming the option to use instead.
         */
        public Builder setting(String name, String value) {
            this.settings = settings.with(name, value);
            return this;
        }

        /**
         * A server parameter on standbys only, after those of {@link #setting}: also on a node that
         * becomes a standby by rejoin; a promoted standby loses it (one that needs a restart stays).
         */
        public Builder standbySetting(String name, String value) {
            this.settings = settings.withStandby(name, value);
            return this;
        }

        /** The database {@link PostgresNode#dataSource()} and {@link PostgresNode#jdbcUrl()} use; created if absent. Default postgres. */
        public Builder database(String database) {
            this.database = database;
            return this;
        }

        /**
         * The role {@link PostgresNode#dataSource()} connects as, with the cluster's password; other than
         * postgres (the default), a login role that owns {@link #database} and is no superuser.
         */
        public Builder username(String username) {
            this.username = username;
            return this;
        }

        /**
         * A fixed password for {@link #username} and the superuser instead of one generated per cluster,
         * for harnesses that need known credentials (pgjdbc's own tests read theirs from a file). Printable
         * ASCII without spaces, quotes or backslashes. A shared or reused cluster is shared only with
         * builders of the same password.
         */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * SQL scripts run in order on the primary, in {@link #database} as {@link #username}, once the
         * cluster runs; {@link #start()} returns when every standby has replayed them. Each is a classpath
         * resource ({@code "schema.sql"}) or a file ({@code "file:src/test/sql/schema.sql"}).
         */
        public Builder initScripts(String... scripts) {
            this.initScripts = List.of(scripts);
            return this;
        }

        /**
         * Every handle this cluster gives out ({@code jdbcUrl()}, {@code dataSource()}, injection,
         * {@code multiHostJdbcUrl()}) reaches its node through a relay of the test JVM, so that
         * {@link PostgresCluster#cutClients}, {@link PostgresCluster#restoreClients} and
         * {@link PostgresCluster#delayClients} can make the application's connections hang or slow.
         * On every backend. The cluster's own waits and diagnostics connect directly.
         */
        public Builder clientFaults(boolean clientFaults) {
            this.clientFaults = clientFaults;
            return this;
        }

        /** Who asks, as error messages should name it, e.g. {@code "@PostgresStandbyCluster on [OrdersIT]"}. */
        public Builder describedAs(String owner) {
            this.owner = owner;
            return this;
        }

        /** Validates everything first, then starts; returns with every standby streaming and caught up. */
        public PostgresCluster start() {
            ClusterSpec spec = spec();
            StartupTrace.mark("spec validated");
            PostgresCluster cluster = PostgresCluster.start(spec, shared);
            StartupTrace.mark("cluster returned");
            return cluster;
        }

        /** The validated spec, with the {@code hotstandby.*} system properties applied. */
        public ClusterSpec spec() {
            return spec(System.getProperties());
        }

        /** The validated spec, with these {@code hotstandby.*} overrides applied (the JUnit layer merges its own). */
        public ClusterSpec spec(java.util.Properties overrides) {
            ReplicationOptions replication = new ReplicationOptions(synchronous, synchronousCommit, quorum, upstreams,
                    archiving, replicationSlots, logical);
            return ClusterSpec.of(owner, standbys, version, backend, replication, startTimeout, image,
                    overrides).withHosts(hosts).withSettings(settings)
                    .withApplication(new ApplicationOptions(database, username, initScripts, clientFaults, password));
        }
    }
}
