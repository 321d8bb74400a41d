package dev.hotstandby.reliability;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.conformance.ReuseRun;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A reliability figure, not a test: a JVM holding a shared cluster is killed with {@code kill -9},
 * over and over. With {@code hotstandby.reuse} on, the next run ({@link ReuseRun}) must take the same
 * cluster (its servers' start time), refreshed (the killed run's marker gone), and end normally; once
 * nobody has used it for {@code hotstandby.reuse.idle} and the entry's watchdog has looked (not
 * before), nothing of it may be left: no process naming its registry entry (servers, the watchdog),
 * no entry directory, no container, network or volume of it. Without reuse, the killed JVM's shared cluster must go as an
 * unshared one does ({@link KilledJvmLeftovers}). Prints per round and in all; exits 1 on any
 * leftover or mismatch.
 *
 * <pre>
 * mvn -q -pl extension test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.hotstandby.reliability.KilledSharedLeftovers -Dexec.args=10 [-Dhotstandby.backend=containers ...]
 * </pre>
 */
public final class KilledSharedLeftovers {
    private static final Duration IDLE = Duration.ofSeconds(5);
    /** How often the watchdog looks: a tenth of the idle time, at least every second. */
    private static final Duration LOOKS_EVERY = Duration.ofSeconds(1);
    /** What the teardown may take once the watchdog has decided (servers stopped, containers removed): a bound, not a figure. */
    private static final Duration TEARDOWN = Duration.ofSeconds(10);
    private static final List<String> REUSE = List.of("-Dhotstandby.reuse=true", "-Dhotstandby.reuse.idle=" + IDLE);

    private KilledSharedLeftovers() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        // a configuration of this run's own: no other run on the machine takes its clusters
        String database = "killed_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        ReuseTraces.requireReuse(PostgresCluster.builder().standbys(1).database(database));
        int mismatches = 0;
        long leftReused = 0;
        long leftUnshared = 0;
        Duration slowestRemoval = Duration.ZERO;
        for (int round = 1; round <= rounds; round++) {
            ReusedRound reused = reusedRound(database);
            KilledJvmLeftovers.Leftovers unshared = KilledJvmLeftovers.round(true);
            mismatches += reused.mismatches().size();
            leftReused += reused.left().total();
            leftUnshared += unshared.total();
            slowestRemoval = slowestRemoval.compareTo(reused.removal()) < 0 ? reused.removal() : slowestRemoval;
            System.out.printf("round %d: reused: %s; without reuse: left after 5 s: %s%n", round, reused, unshared);
        }
        System.out.printf("%d kill -9 rounds of a JVM holding a reused cluster (idle %d s): %d mismatches of the next run"
                        + " (the same servers, refreshed, a normal end), %d things left (gone %.1f s after the last use at most);"
                        + " holding a shared cluster without reuse: %d things left (must all be 0)%n", rounds,
                IDLE.toSeconds(), mismatches, leftReused, slowestRemoval.toMillis() / 1000.0, leftUnshared);
        System.exit(mismatches == 0 && leftReused == 0 && leftUnshared == 0 ? 0 : 1);
    }

    /** {@code held}: what the count saw while the killed run held the cluster, so that a 0 afterwards means something. */
    private record ReusedRound(List<String> mismatches, ReuseTraces.Left held, ReuseTraces.Left left, Duration removal) {
        @Override
        public String toString() {
            return "mismatches " + mismatches + ", while held " + held + ", left " + left + " (gone after "
                    + removal.toMillis() + " ms)";
        }
    }

    private static ReusedRound reusedRound(String database) throws Exception {
        Process holder = ChildJvm.start(REUSE, ReuseRun.class, database, "hold");
        Map<String, String> killed;
        List<Path> entries;
        ReuseTraces.Left held;
        try {
            List<String> output = ChildJvm.readUntil(holder, "holding");
            killed = ChildJvm.keyed(output);
            entries = ReuseTraces.entriesHeldBy(holder.pid());
            if (entries.size() != 1) {
                throw new IllegalStateException("the run holds " + entries.size() + " reuse entries, not 1:\n"
                        + String.join("\n", output));
            }
            held = ReuseTraces.of(entries);
        } finally {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
        List<String> mismatches = new ArrayList<>();
        if (held.processes() == 0 || held.directories() == 0
                || (System.getProperty("hotstandby.backend", "local").equals("containers") && held.dockerObjects() == 0)) {
            mismatches.add("the count saw nothing of the held cluster");
        }
        Process next = ChildJvm.start(REUSE, ReuseRun.class, database, "look");
        List<String> output = ChildJvm.output(next);
        boolean normalEnd = next.exitValue() == 0 && output.contains("done");
        Instant lastUse = Instant.now();
        Map<String, String> seen = ChildJvm.keyed(output);
        if (!normalEnd) {
            mismatches.add("the next run failed: " + String.join("\n", output.subList(Math.max(0, output.size() - 20), output.size())));
        } else if (!killed.get("server-start").equals(seen.get("server-start"))) {
            mismatches.add("the next run got other servers");
        } else if (!seen.get("markers").equals("[]") || !seen.get("fingerprint").equals(killed.get("fingerprint"))) {
            mismatches.add("the next run found it unrefreshed: markers " + seen.get("markers"));
        }
        try {
            Awaitility.await().atMost(IDLE.plus(LOOKS_EVERY).plus(TEARDOWN)).pollInterval(Duration.ofMillis(200))
                    .until(() -> ReuseTraces.of(entries).total() == 0);
        } catch (ConditionTimeoutException stillThere) {
            // counted below
        }
        Duration removal = Duration.between(lastUse, Instant.now());
        // the watchdog compares whole seconds: up to one early
        if (removal.compareTo(IDLE.minusSeconds(1)) < 0) {
            mismatches.add("removed " + removal.toMillis() + " ms after the last use, before it was idle for " + IDLE);
        }
        return new ReusedRound(mismatches, held, ReuseTraces.of(entries), removal);
    }
}
