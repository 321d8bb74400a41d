package dev.hotstandby.reliability;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.hotstandby.PostgresCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A reliability figure, not a test: two JVMs at once, as two Maven forks or two runs side by side,
 * each running the 20 {@link SharingClass} classes of one configuration, {@code shared = true}, two
 * classes at a time, with {@code hotstandby.reuse} on; round after round, so that each round's JVMs
 * race for the clusters the last round kept. Counts the classes that saw a fingerprint other than a
 * fresh cluster's (computed here once), that saw another class's marker (a cluster handed to two
 * users at once, or not refreshed), and that failed; then, once the kept clusters were idle for
 * {@code hotstandby.reuse.idle}, what is left of them. Exits 1 on any of them, and when no cluster
 * went from one JVM to another (the markers could then not have shown a second user).
 *
 * <pre>
 * mvn -q -pl extension test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.hotstandby.reliability.ConcurrentSharedRuns -Dexec.args=3
 * </pre>
 */
public final class ConcurrentSharedRuns {
    static final String DATABASE = "concurrent_shared_runs";
    static final String FINGERPRINT_PROPERTY = "reliability.fingerprint";
    static final String JVM_PROPERTY = "reliability.jvm";
    /**
     * Longer than a child JVM takes from its start to its first cluster on a busy machine (11 s at a
     * load of 10 on 2 cores): with 10 s the watchdogs removed the last round's clusters before the next
     * round asked, so none went from one JVM to another.
     */
    private static final Duration IDLE = Duration.ofSeconds(30);
    /** The watchdog's look (a tenth of the idle time) and the teardown after it: a bound, not a figure. */
    private static final Duration REMOVAL = Duration.ofSeconds(15);
    private static final Map<String, String> TWO_CLASSES_AT_A_TIME = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "2",
            // else the pool adds threads for blocked ones, and 5 classes run at once
            "junit.jupiter.execution.parallel.config.fixed.max-pool-size", "2");

    private ConcurrentSharedRuns() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        PostgresCluster.Builder configuration = PostgresCluster.builder().standbys(1).database(DATABASE).describedAs("ConcurrentSharedRuns");
        ReuseTraces.requireReuse(configuration);
        String fingerprint;
        try (PostgresCluster fresh = configuration.start()) {
            fingerprint = SharingClass.hash(fresh.fingerprint());
        }
        Tally tally = new Tally();
        for (int round = 1; round <= rounds; round++) {
            Map<String, CompletableFuture<List<String>>> jvms = new TreeMap<>();
            for (String jvm : List.of(round + "a", round + "b")) {
                Process child = ChildJvm.start(List.of("-Dhotstandby.reuse=true", "-Dhotstandby.reuse.idle=" + IDLE,
                        "-D" + FINGERPRINT_PROPERTY + "=" + fingerprint, "-D" + JVM_PROPERTY + "=" + jvm), Run.class);
                jvms.put(jvm, CompletableFuture.supplyAsync(() -> ChildJvm.output(child)));
            }
            jvms.forEach((jvm, output) -> tally.add(jvm, output.join()));
            System.out.printf("round %d: %s%n", round, tally);
        }
        Instant lastUse = Instant.now();
        try {
            Awaitility.await().atMost(IDLE.plus(REMOVAL)).pollInterval(Duration.ofMillis(500))
                    .until(() -> ReuseTraces.of(tally.entries).total() == 0);
        } catch (ConditionTimeoutException stillThere) {
            // counted below
        }
        ReuseTraces.Left left = ReuseTraces.of(tally.entries);
        System.out.printf("%d rounds of 2 JVMs x 20 classes, 2 at a time: %s; left %.1f s after the last use (idle %d s):"
                + " %s (must all be 0)%n", rounds, tally, Duration.between(lastUse, Instant.now()).toMillis() / 1000.0,
                IDLE.toSeconds(), left);
        if (tally.handedOver() == 0) {
            System.out.println("no cluster went from one JVM to another: the markers could not have shown a second user");
        }
        System.exit(tally.clean() && left.total() == 0 && tally.handedOver() > 0 ? 0 : 1);
    }

    /** What the classes of every JVM saw, added up from what each printed. */
    private static final class Tally {
        private final Map<String, Set<String>> jvmsOfCluster = new HashMap<>();
        private final Set<Path> entries = new HashSet<>();
        private int classes;
        private int dirty;
        private int foreign;
        private int failed;
        private int mostAtOnce;

        void add(String jvm, List<String> output) {
            output.stream().filter(line -> line.startsWith("failure: ") || line.contains("discarded")).limit(5)
                    .forEach(System.out::println);
            Map<String, String> result = ChildJvm.keyed(output);
            classes += CLASSES.length;
            if (!result.containsKey("entries")) {
                System.out.println("JVM " + jvm + " ended without its result:\n" + String.join("\n", output));
                failed += CLASSES.length;
                return;
            }
            failed += CLASSES.length - Integer.parseInt(result.get("succeeded"));
            dirty += Integer.parseInt(result.get("dirty"));
            foreign += Integer.parseInt(result.get("foreign"));
            mostAtOnce = Math.max(mostAtOnce, Integer.parseInt(result.get("at-once")));
            listed(result.get("clusters")).forEach(cluster -> jvmsOfCluster.computeIfAbsent(cluster, c -> new HashSet<>()).add(jvm));
            listed(result.get("entries")).forEach(entry -> entries.add(Path.of(entry)));
        }

        long handedOver() {
            return jvmsOfCluster.values().stream().filter(jvms -> jvms.size() > 1).count();
        }

        boolean clean() {
            return dirty == 0 && foreign == 0 && failed == 0;
        }

        @Override
        public String toString() {
            return jvmsOfCluster.size() + " clusters served " + classes + " classes (at most " + mostAtOnce + " at once in a"
                    + " JVM), " + handedOver() + " of them went from one JVM to another; " + dirty + " classes saw a dirty"
                    + " fingerprint, " + foreign + " another's marker, " + failed + " failed";
        }
    }

    private static List<String> listed(String commaSeparated) {
        return commaSeparated.isEmpty() ? List.of() : List.of(commaSeparated.split(","));
    }

    /** One JVM's run: the 20 classes through the Jupiter engine, as a build would run them; what they saw, and the reuse entries it holds at its end. */
    public static final class Run {
        private Run() {
        }

        public static void main(String[] args) throws Exception {
            EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").configurationParameters(TWO_CLASSES_AT_A_TIME)
                    .selectors(Arrays.stream(CLASSES).map(type -> selectClass(type)).toArray(DiscoverySelector[]::new)).execute();
            results.allEvents().failed().stream().map(event -> event.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                    .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                    .map(failure -> String.valueOf(failure.getMessage()).lines().findFirst().orElse("")).orElse(""))
                    .forEach(message -> System.out.println("failure: " + message));
            System.out.println("succeeded=" + results.testEvents().succeeded().count());
            System.out.println("dirty=" + SharingClass.DIRTY.size());
            System.out.println("foreign=" + SharingClass.FOREIGN_MARKER.size());
            System.out.println("at-once=" + SharingClass.MOST_AT_ONCE.get());
            System.out.println("clusters=" + String.join(",", SharingClass.CLUSTERS));
            System.out.println("entries=" + String.join(",", ReuseTraces.entriesHeldBy(ProcessHandle.current().pid())
                    .stream().map(Path::toString).toList()));
            System.exit(0);
        }
    }

    private static final Class<?>[] CLASSES = Arrays.stream(ConcurrentSharedRuns.class.getDeclaredClasses())
            .filter(SharingClass.class::isAssignableFrom).sorted(Comparator.comparing(Class::getName)).toArray(Class<?>[]::new);

    // the 20 classes: equal annotations (inherited), so they share
    static final class Class01 extends SharingClass { }
    static final class Class02 extends SharingClass { }
    static final class Class03 extends SharingClass { }
    static final class Class04 extends SharingClass { }
    static final class Class05 extends SharingClass { }
    static final class Class06 extends SharingClass { }
    static final class Class07 extends SharingClass { }
    static final class Class08 extends SharingClass { }
    static final class Class09 extends SharingClass { }
    static final class Class10 extends SharingClass { }
    static final class Class11 extends SharingClass { }
    static final class Class12 extends SharingClass { }
    static final class Class13 extends SharingClass { }
    static final class Class14 extends SharingClass { }
    static final class Class15 extends SharingClass { }
    static final class Class16 extends SharingClass { }
    static final class Class17 extends SharingClass { }
    static final class Class18 extends SharingClass { }
    static final class Class19 extends SharingClass { }
    static final class Class20 extends SharingClass { }
}
