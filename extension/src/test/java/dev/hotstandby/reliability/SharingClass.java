package dev.hotstandby.reliability;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.conformance.ReuseRun;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One of the test classes of {@link ConcurrentSharedRuns}, all of one configuration: it must get its
 * shared cluster as a fresh one is (the fingerprint the program computed) and to itself. It leaves
 * its marker table and, while it holds the cluster, watches for another class's to appear.
 */
@PostgresStandbyCluster(shared = true, database = ConcurrentSharedRuns.DATABASE)
abstract class SharingClass {
    /** The classes that saw a fingerprint other than a fresh cluster's, and those that saw another class's marker. */
    static final Set<String> DIRTY = ConcurrentHashMap.newKeySet();
    static final Set<String> FOREIGN_MARKER = ConcurrentHashMap.newKeySet();
    /** The clusters the classes got, as {@code <primary port>@<its server's start time>}: a kept cluster keeps both. */
    static final Set<String> CLUSTERS = ConcurrentHashMap.newKeySet();
    /** How many classes of this JVM held a cluster at once, at most. */
    static final AtomicInteger MOST_AT_ONCE = new AtomicInteger();
    private static final AtomicInteger AT_ONCE = new AtomicInteger();

    static String hash(List<String> fingerprint) {
        return Integer.toHexString(fingerprint.hashCode());
    }

    @Test
    void getsTheClusterCleanAndToItself(PostgresCluster cluster) throws Exception {
        String name = System.getProperty(ConcurrentSharedRuns.JVM_PROPERTY) + "_" + getClass().getSimpleName();
        String marker = ("marker_" + name).toLowerCase(Locale.ROOT);
        MOST_AT_ONCE.accumulateAndGet(AT_ONCE.incrementAndGet(), Math::max);
        try (Connection connection = cluster.primary().dataSource().getConnection(); Statement statement = connection.createStatement()) {
            try (ResultSet start = statement.executeQuery("SELECT pg_postmaster_start_time()::text")) {
                start.next();
                CLUSTERS.add(cluster.primary().port() + "@" + start.getString(1));
            }
            expect(hash(cluster.fingerprint()).equals(System.getProperty(ConcurrentSharedRuns.FINGERPRINT_PROPERTY)), DIRTY,
                    name + ": the fingerprint is not a fresh cluster's");
            List<String> before = ReuseRun.markers(statement);
            expect(before.isEmpty(), FOREIGN_MARKER, name + ": markers of others when it took the cluster: " + before);
            statement.execute("CREATE TABLE " + marker + " AS SELECT 1 AS val");
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(100, 301));
            while (System.nanoTime() < until) {
                List<String> others = new ArrayList<>(ReuseRun.markers(statement));
                others.remove(marker);
                expect(others.isEmpty(), FOREIGN_MARKER, name + ": another user's markers while it held the cluster: " + others);
                TimeUnit.MILLISECONDS.sleep(10);
            }
        } finally {
            AT_ONCE.decrementAndGet();
        }
    }

    private static void expect(boolean holds, Set<String> sawOtherwise, String message) {
        if (!holds) {
            sawOtherwise.add(message.substring(0, message.indexOf(':')));
            throw new AssertionError(message);
        }
    }
}
