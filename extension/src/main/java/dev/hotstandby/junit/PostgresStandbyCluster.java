package dev.hotstandby.junit;

import dev.hotstandby.Backend;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the annotated test class a real PostgreSQL streaming-replication cluster: one primary and
 * {@link #standbys()} hot standbys, started before the first test, closed after the last.
 *
 * <p>Inject handles with {@link Primary @Primary} or {@link Standby @Standby(i)} on parameters of
 * tests and lifecycle methods, or on static and instance fields, of type
 * {@link javax.sql.DataSource}, {@link java.sql.Connection} (opened for that test and closed after
 * it; for a static field or a {@code @BeforeAll} parameter, for the class) or
 * {@link dev.hotstandby.PostgresNode}; a parameter or a non-final field of type
 * {@link dev.hotstandby.PostgresCluster} gets the cluster itself.
 *
 * <p>{@code @Nested} classes share the cluster of their enclosing class. A {@code @Nested} class may
 * repeat the same annotation, but one with different attributes is rejected: it would silently
 * get the enclosing cluster instead. Different classes get different clusters and may run in
 * parallel.
 *
 * <p>A {@code @Primary DataSource} follows the primary: after {@code cluster.promote(standby)} its
 * next {@code getConnection()} goes to the promoted node. A {@code @Primary Connection} or
 * {@code PostgresNode}, and every {@code @Standby} handle, stay on the node they were resolved to; a
 * test failing after a failover is told when such a handle is no longer on the primary.
 *
 * <p>When a test fails, the data directories and server logs are kept (their location is printed
 * when the class finishes) and the last lines of each node's log are attached to the failure;
 * {@link #cleanup()} changes that. A test aborted by a failed assumption is no failure.
 *
 * <p>The options {@code hotstandby.backend} and {@code hotstandby.version} override
 * {@link #backend()} and {@link #version()} for a whole run, and {@code hotstandby.image} overrides
 * {@link #image()}. They are read as JUnit configuration parameters ({@code junit-platform.properties})
 * and as system properties, which win. Each test of a class on a backend that cannot run here
 * (containers without Docker) is skipped, saying why, unless the option {@code hotstandby.require}
 * (comma-separated backends) names that backend: then the class fails.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith({PostgresStandbyClusterExtension.class, BackendAvailableCondition.class})
public @interface PostgresStandbyCluster {

    /** Number of hot standbys, 0 to 8. */
    int standbys() default 1;

    /**
     * PostgreSQL major such as {@code "17"}; {@code ""} means the default major (18). On
     * {@link Backend#LOCAL} an exact binaries version such as {@code "16.15.0"} pins the minor; the
     * other backends refuse it (their image or packages choose the minor). Binaries missing on
     * this machine are fetched from the user's Maven repositories (docs/versions.md).
     */
    String version() default "";

    /** Where the nodes run. */
    Backend backend() default Backend.LOCAL;

    /**
     * The container image of {@link Backend#CONTAINERS}: any image that follows the official postgres
     * image's contract, e.g. {@code "postgres:17-alpine"}; {@code ""} means {@code postgres:<major>}.
     * Other backends ignore it.
     */
    String image() default "";

    /**
     * Commits on the primary return once every standby has applied them
     * ({@code synchronous_standby_names} naming every standby, {@code synchronous_commit = remote_apply}).
     */
    boolean synchronous() default false;

    /** With {@link #synchronous()}: how far standbys must take a commit before it returns. */
    dev.hotstandby.SynchronousCommit synchronousCommit() default dev.hotstandby.SynchronousCommit.REMOTE_APPLY;

    /** With {@link #synchronous()}: {@code "FIRST n"} or {@code "ANY n"}; {@code ""} means every standby. */
    String quorum() default "";

    /**
     * Cascading: for each standby, the index of the standby it streams from, or -1 for the
     * primary; {@code {-1, 0}} makes standby-1 stream from standby-0. Empty: all from the primary.
     */
    int[] upstreams() default {};

    /** The primary archives its WAL; standbys restore from the archive when streaming cannot serve them. */
    boolean archiving() default false;

    /** Each standby streams through a physical replication slot on its upstream. */
    boolean replicationSlots() default false;

    /**
     * {@code wal_level = logical} on every node, for logical slots, decoding and publications
     * ({@code PostgresCluster.createLogicalSlot}, {@code subscribe}). On PostgreSQL 17+ also what failover
     * slots need, so standbys sync them: {@code sync_replication_slots = on} and
     * {@code hot_standby_feedback = on} on the standbys, a physical slot per standby (as
     * {@link #replicationSlots()}), a {@code dbname} in their {@code primary_conninfo}, and
     * {@code synchronized_standby_slots} on the primary naming the standbys' slots.
     */
    boolean logical() default false;

    /**
     * Server parameters for every node, each {@code "name=value"} in postgresql.conf syntax:
     * {@code "max_standby_streaming_delay=0"}, {@code "shared_preload_libraries='pg_stat_statements'"}.
     * Written into each node's {@code user.conf}, which node.conf includes last, so they win over the
     * library's own settings. Rejected before anything starts: what streaming replication cannot run
     * with ({@code wal_level=minimal}, too few {@code max_wal_senders} or {@code max_replication_slots})
     * and what the library sets itself ({@code port}, {@code primary_conninfo}, ...: the message names the
     * attribute to use instead).
     */
    String[] settings() default {};

    /**
     * Server parameters for standbys only, after {@link #settings()}: also given to a node that becomes
     * a standby through rejoin, and taken from a standby that is promoted (except those PostgreSQL
     * changes only with a restart, such as {@code max_connections}: the promoted node keeps them).
     * A standby needs at least the primary's max_connections, max_worker_processes, max_wal_senders,
     * max_prepared_transactions and max_locks_per_transaction; less is rejected.
     */
    String[] standbySettings() default {};

    /**
     * The database injected {@code Connection}s and {@code DataSource}s, {@code PostgresNode.dataSource()}
     * and {@code jdbcUrl()} use; created on the primary if absent.
     */
    String database() default "postgres";

    /**
     * The role injected handles connect as, with the cluster's generated password. Any name other than
     * {@code postgres} is created as a login role owning {@link #database()}, not a superuser; use
     * {@code PostgresNode.superuserDataSource()} for what it may not do.
     */
    String username() default "postgres";

    /**
     * SQL scripts run in order on the primary, in {@link #database()} as {@link #username()}, after the
     * cluster starts and before the first test, which finds them replayed on every standby. Each is a
     * classpath resource ({@code "schema.sql"}) or a file ({@code "file:src/test/sql/schema.sql"}); a
     * missing one fails the class before anything starts, a failing statement fails the start with the
     * script, the line and PostgreSQL's message.
     */
    String[] initScripts() default {};

    /**
     * Every handle injected or given out ({@code jdbcUrl()}, {@code dataSource()},
     * {@code multiHostJdbcUrl()}) reaches its node through a relay of the test JVM, so that
     * {@code PostgresCluster.cutClients}, {@code restoreClients} and {@code delayClients} make the
     * application's connections hang or slow as a network would, on every backend.
     */
    boolean clientFaults() default false;

    /**
     * Shares the cluster with the other test classes of this JVM whose annotations are equal (every
     * attribute): a class takes a free one of that configuration, {@link dev.hotstandby.PostgresCluster#refresh()
     * refreshed} to its declared state before its first test, or a new one when every one is taken (classes
     * running in parallel never share one at the same time); after its last test it is handed back,
     * not stopped. The pool's clusters stop when the JVM ends, or, with the option {@code hotstandby.reuse}
     * (docs/shared-clusters.md "Reuse across runs"), are handed to the next run. A class with a failed test keeps its
     * cluster's evidence as an unshared one does: the cluster leaves the pool. A Spring application context
     * cached for one such class is used by the next with an equal configuration.
     */
    boolean shared() default false;

    /**
     * When the data directories and server logs are removed; {@link CleanupMode#DEFAULT} means the
     * option {@code hotstandby.cleanup} ({@code always}, {@code on_success}, {@code never}), else
     * {@link CleanupMode#ON_SUCCESS}: kept only when a test failed.
     */
    CleanupMode cleanup() default CleanupMode.DEFAULT;
}
