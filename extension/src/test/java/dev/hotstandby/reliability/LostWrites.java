package dev.hotstandby.reliability;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A reliability figure, not a test: 4 writers commit rows as fast as they can, the primary is killed
 * mid-stream, the standby promoted; every write the primary acknowledged is looked for on the new
 * primary. A synchronous cluster (remote_apply) must lose none; an asynchronous one reports what it
 * lost (on loopback usually nothing: the standby is a fraction of a millisecond behind). As a control
 * that shows the count can see loss, an asynchronous cluster whose standby was cut off before the
 * writes, and is promoted while still cut off, must lose every one. Not healed first: a healed cut
 * delivers what the link held (see {@link PostgresCluster#reconnect}), and how much that is depends
 * on buffer sizes, not on replication.
 *
 * <pre>
 * mvn -q -pl extension test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.hotstandby.reliability.LostWrites -Dexec.args=20 [-Dhotstandby.backend=containers]
 * </pre>
 * Exits 1 if the synchronous cluster lost an acknowledged write or the control kept any.
 */
public final class LostWrites {
    private static final int WRITERS = 4;
    /** Commits acknowledged before the kill, per round: enough to be mid-stream, bounded in time and count. */
    private static final int ACKNOWLEDGED_BEFORE_KILL = 400;

    private LostWrites() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long synchronousLost = 0;
        long asynchronousLost = 0;
        long controlLost = 0;
        boolean controlLostAll = true;
        for (int round = 1; round <= rounds; round++) {
            Outcome synchronous = round(true, false);
            Outcome asynchronous = round(false, false);
            Outcome control = round(false, true);
            synchronousLost += synchronous.lost();
            asynchronousLost += asynchronous.lost();
            controlLost += control.lost();
            controlLostAll &= control.lost() == control.acknowledged();
            System.out.printf("round %d: lost of acknowledged: synchronous %s, asynchronous %s,"
                    + " asynchronous with the standby cut off %s%n", round, synchronous, asynchronous, control);
        }
        System.out.printf("%d rounds: acknowledged writes missing after failover: synchronous %d (must be 0),"
                + " asynchronous %d, control %d (must be all it acknowledged)%n",
                rounds, synchronousLost, asynchronousLost, controlLost);
        System.exit(synchronousLost == 0 && controlLost > 0 && controlLostAll ? 0 : 1);
    }

    private record Outcome(long lost, long acknowledged) {
        @Override
        public String toString() {
            return lost + "/" + acknowledged;
        }
    }

    private static Outcome round(boolean synchronous, boolean cutFirst) throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).synchronous(synchronous)
                .describedAs("LostWrites").start()) {
            try (Connection primary = cluster.primary().dataSource().getConnection();
                 Statement statement = primary.createStatement()) {
                statement.execute("CREATE TABLE writes (writer int, seq int, PRIMARY KEY (writer, seq))");
            }
            cluster.awaitReplication();
            PostgresNode standby = cluster.standby(0);
            if (cutFirst) {
                // the control: every write below starts after the cut is in force, so none of them reaches
                // the standby; the table and what awaitReplication waited for got there before
                cluster.disconnect(standby);
            }
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            CountDownLatch enough = new CountDownLatch(ACKNOWLEDGED_BEFORE_KILL);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread thread = new Thread(() -> write(cluster.primary(), writer, acknowledged, enough), "writer-" + w);
                thread.start();
                writers.add(thread);
            }
            if (!enough.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the writers did not get " + ACKNOWLEDGED_BEFORE_KILL + " commits through");
            }
            cluster.kill(cluster.primary());
            for (Thread thread : writers) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (cutFirst) {
                promoteStillCut(standby);
            } else {
                cluster.promote(standby);
            }
            Set<String> survived = rows(standby);
            return new Outcome(acknowledged.stream().filter(row -> !survived.contains(row)).count(), acknowledged.size());
        }
    }

    /**
     * A failover during the partition: promote() refuses a cut standby (on some backends the cut would
     * outlive the promotion), so the standby is promoted directly, over the test's own connection, which
     * the cut leaves alone. Its WAL receiver ends with the promotion, and what the link held with it.
     */
    private static void promoteStillCut(PostgresNode standby) throws SQLException {
        try (Connection connection = standby.superuserDataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet promoted = statement.executeQuery("SELECT pg_promote()")) {
            if (!promoted.next() || !promoted.getBoolean(1)) {
                throw new IllegalStateException(standby.name() + " was not promoted within 60 s");
            }
        }
    }

    /** Commits until the primary goes away; a commit counts once executeUpdate returned. */
    private static void write(PostgresNode primary, int writer, Set<String> acknowledged, CountDownLatch enough) {
        try (Connection connection = primary.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO writes VALUES (?, ?)")) {
            for (int seq = 0; seq < 1_000_000; seq++) {
                insert.setInt(1, writer);
                insert.setInt(2, seq);
                insert.executeUpdate();
                acknowledged.add(writer + ":" + seq);
                enough.countDown();
            }
        } catch (SQLException primaryGone) {
            // the kill: whatever was acknowledged until now is what must survive
        }
    }

    private static Set<String> rows(PostgresNode node) throws SQLException {
        Set<String> rows = new HashSet<>();
        try (Connection connection = node.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT writer, seq FROM writes")) {
            while (result.next()) {
                rows.add(result.getInt(1) + ":" + result.getInt(2));
            }
        }
        return rows;
    }
}
