package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.assertTwoStandbysStillReplicate;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.major;
import static dev.hotstandby.conformance.Sql.single;
import static dev.hotstandby.conformance.Sql.slotOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicationTimeoutException;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Logical replication through the public API on every backend: the settings {@code logical = true}
 * gives each node, logical slots on the primary and on a standby read through pgjdbc's replication
 * API with test_decoding and pgoutput, failover slots synced to the standbys (17+), WAL advanced by
 * segments, and the misuse each method refuses. Major-dependent parts run where the major has them.
 * Each test drops the slots it made; afterwards every standby streams and receives a new row.
 */
@PostgresStandbyCluster(shared = true, standbys = 2, logical = true)
class LogicalReplicationTest {
    private static final AtomicInteger CHECKS = new AtomicInteger();

    @AfterEach
    void dropSlotsAndCheckReplication(PostgresCluster cluster) throws Exception {
        // a standby's own slot left behind would hold back its catalog_xmin, which decides how slots sync there
        for (PostgresNode node : cluster.nodes()) {
            execute(node, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_type = 'logical' AND NOT active" + (major(node) >= 17 ? " AND NOT synced" : ""));
        }
        assertTwoStandbysStillReplicate(cluster, "after_logical_" + CHECKS.incrementAndGet());
    }

    @Test
    void everyNodeRunsWalLevelLogicalAndFrom17TheStandbysSyncSlots(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        int major = major(primary);
        for (PostgresNode node : cluster.nodes()) {
            assertThat(single(node, "SHOW wal_level")).as(node.name()).isEqualTo("logical");
        }
        if (major < 17) {
            for (PostgresNode standby : cluster.standbys()) {
                assertThat(single(standby, "SHOW primary_slot_name")).as("%s: no slot before 17", standby.name()).isEmpty();
                assertThat(single(standby, "SHOW hot_standby_feedback")).as(standby.name()).isEqualTo("off");
            }
            return;
        }
        assertThat(single(primary, "SHOW synchronized_standby_slots")).isEqualTo("standby_0, standby_1");
        assertThat(single(primary, "SELECT string_agg(slot_name || ':' || slot_type || ':' || active, ',' ORDER BY slot_name)"
                + " FROM pg_replication_slots")).isEqualTo("standby_0:physical:true,standby_1:physical:true");
        for (PostgresNode standby : cluster.standbys()) {
            assertThat(single(standby, "SHOW sync_replication_slots")).as(standby.name()).isEqualTo("on");
            assertThat(single(standby, "SHOW hot_standby_feedback")).as(standby.name()).isEqualTo("on");
            assertThat(single(standby, "SHOW primary_slot_name")).as(standby.name()).isEqualTo(slotOf(standby));
            assertThat(single(standby, "SHOW primary_conninfo")).as(standby.name()).contains("dbname=postgres");
        }
    }

    @Test
    void slotOnThePrimaryDecodesWithTestDecodingThroughPgjdbc(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        execute(primary, "CREATE TABLE td_orders (id int PRIMARY KEY, item text)");

        String consistent = cluster.createLogicalSlot("td_slot", "test_decoding");

        assertThat(single(primary, "SELECT slot_type || ':' || plugin || ':' || database || ':' || confirmed_flush_lsn"
                + " FROM pg_replication_slots WHERE slot_name = 'td_slot'"))
                .isEqualTo("logical:test_decoding:" + primary.database() + ":" + consistent);
        execute(primary, "INSERT INTO td_orders VALUES (1, 'apple'), (2, 'pear')", "UPDATE td_orders SET item = 'plum' WHERE id = 2");
        try (Decoding consumer = Decoding.testDecoding(primary, "td_slot")) {
            List<String> changes = consumer.readTextUntil("UPDATE", PATIENCE);
            assertThat(changes).contains(
                    "table public.td_orders: INSERT: id[integer]:1 item[text]:'apple'",
                    "table public.td_orders: INSERT: id[integer]:2 item[text]:'pear'",
                    "table public.td_orders: UPDATE: id[integer]:2 item[text]:'plum'");
            consumer.acknowledge();
            String target = single(primary, "SELECT pg_current_wal_lsn()");
            Thread consuming = acknowledging(consumer);
            try {
                cluster.awaitSlotCatchup(primary, "td_slot");
            } finally {
                consuming.interrupt();
                consuming.join();
            }
            assertThat(single(primary, "SELECT confirmed_flush_lsn >= '" + target + "'::pg_lsn FROM pg_replication_slots"
                    + " WHERE slot_name = 'td_slot'")).isEqualTo("t");
        }
    }

    @Test
    void slotOnThePrimaryDecodesWithPgoutput(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        execute(primary, "CREATE TABLE po_orders (id int PRIMARY KEY)", "CREATE PUBLICATION po_pub FOR TABLE po_orders");
        try {
            cluster.createLogicalSlot("po_slot", "pgoutput");
            execute(primary, "INSERT INTO po_orders SELECT generate_series(1, 5)");
            try (Decoding consumer = Decoding.pgoutput(primary, "po_slot", "po_pub")) {
                List<ByteBuffer> messages = consumer.readUntil(read -> read.stream().anyMatch(m -> Decoding.type(m) == 'C'),
                        PATIENCE);
                assertThat(messages.stream().map(Decoding::type).toList())
                        .as("pgoutput: begin, the relation, five inserts, commit")
                        .containsExactly('B', 'R', 'I', 'I', 'I', 'I', 'I', 'C');
            }
        } finally {
            execute(primary, "DROP PUBLICATION po_pub");
        }
    }

    @Test
    void slotOnAStandbyDecodesThePrimarysChanges(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(0);
        int major = major(standby);
        if (major < 16) {
            assertThatThrownBy(() -> cluster.createLogicalSlot(standby, "on_standby", "test_decoding"))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("needs PostgreSQL 16 or newer").hasMessageContaining("this cluster runs " + major);
            return;
        }
        execute(cluster.primary(), "CREATE TABLE sd_orders (id int)");
        cluster.awaitReplication(PATIENCE);

        String consistent = cluster.createLogicalSlot(standby, "on_standby", "test_decoding");

        assertThat(single(standby, "SELECT slot_type || ':' || plugin || ':' || confirmed_flush_lsn FROM pg_replication_slots"
                + " WHERE slot_name = 'on_standby'")).isEqualTo("logical:test_decoding:" + consistent);
        assertThat(single(cluster.primary(), "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'on_standby'"))
                .as("the slot is the standby's own").isEqualTo("0");
        execute(cluster.primary(), "INSERT INTO sd_orders VALUES (7)");
        try (Decoding consumer = Decoding.testDecoding(standby, "on_standby")) {
            assertThat(consumer.readTextUntil("sd_orders", PATIENCE))
                    .contains("table public.sd_orders: INSERT: id[integer]:7");
            Thread consuming = acknowledging(consumer);
            try {
                cluster.awaitSlotCatchup(standby, "on_standby");
            } finally {
                consuming.interrupt();
                consuming.join();
            }
        }
    }

    @Test
    void failoverSlotIsSyncedToEveryStandby(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        int major = major(primary);
        if (major < 17) {
            assertThatThrownBy(() -> cluster.createLogicalSlot("fo_slot", "test_decoding", true))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("failover slots need PostgreSQL 17 or newer")
                    .hasMessageContaining("this cluster runs " + major);
            assertThatThrownBy(() -> cluster.awaitSlotSynced(cluster.standby(0), "fo_slot"))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("needs PostgreSQL 17 or newer");
            return;
        }
        execute(primary, "CREATE TABLE fo_orders (id int)");
        cluster.createLogicalSlot("fo_slot", "test_decoding", true);
        assertThat(single(primary, "SELECT failover FROM pg_replication_slots WHERE slot_name = 'fo_slot'")).isEqualTo("t");

        execute(primary, "INSERT INTO fo_orders VALUES (1)");
        String primarysPosition;   // before the waits: the consumer keeps moving it on while they run
        try (Decoding consumer = Decoding.testDecoding(primary, "fo_slot")) {
            consumer.readTextUntil("fo_orders", PATIENCE);
            consumer.acknowledge();
            primarysPosition = single(primary, "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'fo_slot'");
            Thread consuming = acknowledging(consumer);
            try {
                for (PostgresNode standby : cluster.standbys()) {
                    cluster.awaitSlotSynced(standby, "fo_slot");
                }
            } finally {
                consuming.interrupt();
                consuming.join();
            }
        }
        for (PostgresNode standby : cluster.standbys()) {
            assertThat(single(standby, "SELECT synced || ':' || temporary || ':' || failover || ':' || coalesce(invalidation_reason, 'valid')"
                    + " || ':' || (confirmed_flush_lsn >= '" + primarysPosition + "'::pg_lsn) FROM pg_replication_slots"
                    + " WHERE slot_name = 'fo_slot'")).as(standby.name()).isEqualTo("true:false:true:valid:true");
        }
    }

    @Test
    void awaitSlotSyncedNamesTheCauseWhenNoConsumerMovesTheSlot(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        assumeTrue(major(primary) >= 17, "failover slots need PostgreSQL 17 or newer");
        // the dead end needs the standby's first look at the slot to come after it replayed a newer xid;
        // with its sync worker on, that look may come first and sync the slot at once
        cluster.set(cluster.standby(0), "sync_replication_slots", "off");
        try {
            execute(primary, "CREATE TABLE unread_orders (id int)");
            cluster.createLogicalSlot("unread", "test_decoding", true);
            execute(primary, "INSERT INTO unread_orders VALUES (1)");
            cluster.awaitReplication();
        } finally {
            cluster.reset(cluster.standby(0), "sync_replication_slots");
        }
        // new connections wake the standby's postmaster, which starts the worker again only when awake
        Awaitility.await("standby-0 runs its slot sync worker again").atMost(PATIENCE).until(() -> "1".equals(single(
                cluster.standby(0), "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'slotsync worker'")));

        assertThatThrownBy(() -> cluster.awaitSlotSynced(cluster.standby(0), "unread"))
                .isInstanceOf(ReplicationTimeoutException.class)
                .hasMessageContaining("standby-0 holds only a temporary copy of the slot \"unread\"")
                .hasMessageContaining("no consumer is connected to it")
                .hasMessageContaining("a consumer reading the slot past a running-xacts record");
        assertThat(single(cluster.standby(0), "SELECT synced || ':' || temporary FROM pg_replication_slots"
                + " WHERE slot_name = 'unread'")).as("what the message says").isEqualTo("true:true");
        assertThat(single(primary, "SELECT active FROM pg_replication_slots WHERE slot_name = 'unread'")).isEqualTo("f");
    }

    @Test
    void advanceWalSwitchesThatManySegments(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        String before = single(primary, "SELECT pg_current_wal_lsn()");

        String after = cluster.advanceWal(3);

        // segment numbers by arithmetic: pg_walfile_name() of a segment's first byte names the one before
        String segments = single(primary, "SELECT floor(pg_wal_lsn_diff('" + after + "', '0/0') / s.size)"
                + " - floor(pg_wal_lsn_diff('" + before + "', '0/0') / s.size)"
                + " FROM (SELECT setting::numeric AS size FROM pg_settings WHERE name = 'wal_segment_size') s");
        assertThat(Long.parseLong(segments)).as("segments from %s to %s", before, after).isGreaterThanOrEqualTo(3);
        assertThat(single(primary, "SELECT pg_current_wal_lsn() >= '" + after + "'::pg_lsn")).isEqualTo("t");
    }

    @Test
    void misuseFailsAtOnceNamingTheArgument(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode standby = cluster.standby(1);
        assertThatThrownBy(() -> cluster.advanceWal(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("advanceWal(-1): segments must be 1 or more but was -1; each is one pg_switch_wal() after a write");
        assertThatThrownBy(() -> cluster.createLogicalSlot(null, "pgoutput")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("createLogicalSlot: slot must be a name, e.g. \"cdc_slot\", but was null");
        assertThatThrownBy(() -> cluster.createLogicalSlot("s", " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("createLogicalSlot: plugin must be a name, e.g. \"pgoutput\" or \"test_decoding\", but was \" \"");
        assertThatThrownBy(() -> cluster.createLogicalSlot("nope_slot", "no_such_plugin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("createLogicalSlot(\"nope_slot\", \"no_such_plugin\"): primary has no usable output plugin"
                        + " \"no_such_plugin\" (")
                .hasMessageEndingWith("); use \"pgoutput\" (built in) or \"test_decoding\" (contrib)");
        assertThat(single(primary, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'nope_slot'"))
                .as("no slot left behind").isEqualTo("0");
        cluster.createLogicalSlot("taken", "test_decoding");
        assertThatThrownBy(() -> cluster.createLogicalSlot("taken", "test_decoding"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("createLogicalSlot(\"taken\", \"test_decoding\"): primary already has a slot of that name");
        assertThatThrownBy(() -> cluster.createLogicalSlot(primary, "s", "test_decoding"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("createLogicalSlot(primary): primary is the primary; createLogicalSlot takes a standby");
        assertThatThrownBy(() -> cluster.createLogicalSlot((PostgresNode) null, "s", "test_decoding"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("createLogicalSlot: standby must be a node of this cluster, e.g. cluster.standby(0), but was null");
        assertThatThrownBy(() -> cluster.awaitSlotSynced(primary, "taken")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("awaitSlotSynced(primary): primary is the primary; awaitSlotSynced takes a standby");
        assertThatThrownBy(() -> cluster.awaitSlotCatchup(primary, "missing")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("awaitSlotCatchup(primary, \"missing\"): primary has no slot \"missing\"");
        if (major(primary) >= 17) {   // physical slots come with logical = true from 17
            assertThatThrownBy(() -> cluster.awaitSlotCatchup(primary, slotOf(standby)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("awaitSlotCatchup(primary, \"" + slotOf(standby) + "\"): \"" + slotOf(standby)
                            + "\" on primary is a physical slot; awaitSlotCatchup takes a logical slot (a consumer confirms it)");
        }
    }

    @Test
    void aStoppedNodeIsRefusedAtOnce(PostgresCluster cluster) throws Exception {
        PostgresNode standby = cluster.standby(1);
        cluster.stop(standby);
        try {
            assertThatThrownBy(() -> cluster.createLogicalSlot(standby, "s", "test_decoding"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("createLogicalSlot(standby-1): standby-1 is stopped; start() it first");
            assertThatThrownBy(() -> cluster.awaitSlotCatchup(standby, "s")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("awaitSlotCatchup(standby-1): standby-1 is stopped; start() it first");
            assertThatThrownBy(() -> cluster.awaitSlotSynced(standby, "s")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("awaitSlotSynced(standby-1): standby-1 is stopped; start() it first");
        } finally {
            cluster.start(standby);
        }
    }

    @Test
    void subscriptionMisuse(PostgresCluster cluster) {
        assertThatThrownBy(() -> cluster.subscribe(null, "pub", "sub")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("subscribe: publisher must be the PostgresCluster whose primary has the publication, but was null");
        assertThatThrownBy(() -> cluster.subscribe(cluster, "pub", "sub")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("subscribe: publisher is this cluster;");
        assertThatThrownBy(() -> cluster.awaitSubscription("never_made")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("awaitSubscription(\"never_made\"): this cluster made no subscription \"never_made\" through subscribe()");
        assertThatThrownBy(() -> cluster.awaitSubscription("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("awaitSubscription: subscription must be a name, e.g. \"orders_sub\", but was \"\"");
    }

    @Test
    void anotherClusterSubscribesToAPublication(PostgresCluster cluster) throws Exception {
        PostgresNode publisher = cluster.primary();
        execute(publisher, "CREATE TABLE sub_items (id int PRIMARY KEY, name text)",
                "INSERT INTO sub_items SELECT i, 'item ' || i FROM generate_series(1, 100) i",
                "CREATE PUBLICATION items_pub FOR TABLE sub_items");
        try (PostgresCluster subscriber = PostgresCluster.builder().describedAs("subscriber of LogicalReplicationTest")
                .standbys(0).backend(cluster.spec().backend()).start()) {
            PostgresNode target = subscriber.primary();
            execute(target, "CREATE TABLE sub_items (id int PRIMARY KEY, name text)");
            assertThatThrownBy(() -> subscriber.subscribe(cluster, "no_such_pub", "items_sub"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has no publication \"no_such_pub\"");
            Backend backend = cluster.spec().backend();
            if (backend == Backend.VAGRANT || backend == Backend.SSH) {   // each cluster's machines have a network of their own
                assertThatThrownBy(() -> subscriber.subscribe(cluster, "items_pub", "items_sub"))
                        .isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining("cannot reach a server of the " + backend);
                return;
            }
            subscriber.subscribe(cluster, "items_pub", "items_sub");
            assertThat(single(target, "SELECT string_agg(DISTINCT srsubstate::text, ',') FROM pg_subscription_rel"))
                    .isIn("r", "s", "r,s");
            assertThat(Sql.count(target, "sub_items")).as("the initial copy").isEqualTo(100);

            execute(publisher, "INSERT INTO sub_items VALUES (101, 'late')", "DELETE FROM sub_items WHERE id = 1");
            subscriber.awaitSubscription("items_sub");
            assertThat(single(target, "SELECT count(*) || ':' || min(id) || ':' || max(id) FROM sub_items"))
                    .isEqualTo("100:2:101");
            execute(target, "DROP SUBSCRIPTION items_sub");
        } finally {
            execute(publisher, "DROP PUBLICATION items_pub");
        }
    }

    /** A consumer that has caught up keeps acknowledging, as a live one does, until interrupted. */
    private static Thread acknowledging(Decoding consumer) {
        Thread thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    consumer.acknowledgeFor(java.time.Duration.ofMillis(20));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "consumer");
        thread.start();
        return thread;
    }
}
