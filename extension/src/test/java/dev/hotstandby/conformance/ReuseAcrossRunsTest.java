package dev.hotstandby.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.Backend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code hotstandby.reuse=true} across runs, each run a JVM of its own ({@link ReuseRun}), on every
 * backend: a run takes the cluster an earlier run kept, attached and refreshed (the same servers, none
 * of the earlier run's markers, the declared fingerprint); a run killed with kill -9 while it holds
 * the cluster loses its lease at once; a cluster nobody uses for {@code hotstandby.reuse.idle} is
 * removed by its watchdog, with no JVM of ours running, and the next run gets a new one. A backend
 * that keeps no cluster for the next run says so in every run's log, and each run starts its own.
 */
class ReuseAcrossRunsTest {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    /** Where reuse works; on existing hosts (SSH) a run's clusters stop with its JVM (docs/shared-clusters.md "Reuse across runs"). */
    private static final Set<Backend> KEEPING = Set.of(Backend.LOCAL, Backend.CONTAINERS, Backend.VAGRANT);
    private static final Backend BACKEND =
            Backend.valueOf(System.getProperty("hotstandby.backend", "local").trim().toUpperCase(Locale.ROOT));

    @Test
    void aLaterRunTakesTheClusterAnEarlierRunKeptRefreshed() throws Exception {
        assumeTrue(KEEPING.contains(BACKEND), "Backend." + BACKEND + " keeps no cluster for the next run");
        String database = uniqueDatabase();
        Map<String, String> first = run(database, "mark", "PT10M");
        Map<String, String> second = run(database, "mark", "PT10M");
        Map<String, String> third = run(database, "stop", "PT10M");

        assertThat(first.get("markers")).as("a new cluster").isEqualTo("[]");
        assertThat(second.get("server-start")).as("the servers the first run kept").isEqualTo(first.get("server-start"));
        assertThat(second.get("markers")).as("refreshed: none of the first run's markers").isEqualTo("[]");
        assertThat(second.get("fingerprint")).as("the declared state").isEqualTo(first.get("fingerprint"));
        assertThat(third.get("server-start")).isEqualTo(first.get("server-start"));
        assertThat(third.get("markers")).as("none of the second run's markers").isEqualTo("[]");
        assertThat(third.get("stopped")).isEqualTo("1");

        Map<String, String> afterStop = run(database, "stop", "PT10M");
        assertThat(afterStop.get("server-start")).as("stopped for good: a new cluster").isNotEqualTo(first.get("server-start"));
    }

    @Test
    void aKilledRunLosesItsLeaseAndAnIdleClusterIsRemovedByItsWatchdog() throws Exception {
        assumeTrue(KEEPING.contains(BACKEND), "Backend." + BACKEND + " keeps no cluster for the next run");
        String database = uniqueDatabase();
        Map<String, String> killed;
        Process holder = start(database, "hold", "PT3S");
        try {
            killed = awaitOutput(holder, "holding");
        } finally {
            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        Map<String, String> next = run(database, "look", "PT3S");
        assertThat(next.get("server-start")).as("the killed run's lease is released").isEqualTo(killed.get("server-start"));
        assertThat(next.get("markers")).as("refreshed after the killed run").isEqualTo("[]");

        // nobody uses it now: after 3 s idle (and the watchdog's next look) it is gone, servers and all
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(run(database, "stop", "PT3S").get("server-start")).as("a new cluster once the kept one is removed")
                        .isNotEqualTo(killed.get("server-start")));
    }

    @Test
    void aBackendThatKeepsNoClusterSaysSoAndEveryRunStartsItsOwn() throws Exception {
        assumeFalse(KEEPING.contains(BACKEND), "Backend." + BACKEND + " keeps clusters for the next run");
        String database = uniqueDatabase();
        Map<String, String> first = run(database, "mark", "PT10M");
        Map<String, String> second = run(database, "look", "PT10M");

        for (Map<String, String> run : List.of(first, second)) {
            assertThat(run.get("output")).as("the run says why its cluster is not kept")
                    .contains("hotstandby.reuse is on, but Backend." + BACKEND + " keeps no cluster for the next run", "stop when the JVM ends");
        }
        assertThat(second.get("server-start")).as("a cluster of its own").isNotEqualTo(first.get("server-start"));
        assertThat(second.get("markers")).as("none of the first run's markers").isEqualTo("[]");
        assertThat(second.get("fingerprint")).as("the declared state").isEqualTo(first.get("fingerprint"));
    }

    private static String uniqueDatabase() {
        // a configuration of this test's own: no other run on the machine takes its clusters
        return "reuse_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    }

    /** One run to its end; what it printed, by key. */
    private static Map<String, String> run(String database, String mode, String idle) throws Exception {
        Process child = start(database, mode, idle);
        try {
            Map<String, String> printed = awaitOutput(child, "done");
            assertThat(child.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("the run's output: " + printed).isZero();
            return printed;
        } finally {
            child.destroyForcibly();
        }
    }

    private static Process start(String database, String mode, String idle) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dhotstandby.reuse=true", "-Dhotstandby.reuse.idle=" + idle));
        // the run's backend and its options, as this JVM has them
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("hotstandby.") && !name.startsWith("hotstandby.reuse"))
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ReuseRun.class.getName(), database, mode));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static final java.util.regex.Pattern KEYED = java.util.regex.Pattern.compile("([a-z-]+)=(.*)");

    /** Reads the child's output until a line {@code last}; its {@code key=value} lines. */
    private static Map<String, String> awaitOutput(Process child, String last) throws IOException {
        Map<String, String> printed = new LinkedHashMap<>();
        StringBuilder output = new StringBuilder();
        BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            output.append(line).append('\n');
            java.util.regex.Matcher keyed = KEYED.matcher(line);
            if (keyed.matches()) {
                printed.put(keyed.group(1), keyed.group(2));
            } else if (line.startsWith("stopped ")) {
                printed.put("stopped", line.substring("stopped ".length()));
            }
            if (line.equals(last)) {
                printed.put("output", output.toString());
                for (String key : List.of("server-start", "markers", "fingerprint")) {
                    assertThat(printed.get(key)).as(key + " in the run's output:\n" + output).isNotNull();
                }
                return printed;
            }
        }
        throw new AssertionError("the run ended before it printed \"" + last + "\":\n" + output);
    }
}
