package dev.hotstandby.benchmark;

import dev.hotstandby.engine.StartupTrace;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The first cluster of a fresh JVM: each run is a new JVM (the same java, the test classpath, no
 * JVM options) running {@link FirstClusterMain} (primary + 1 standby on the local backend, from
 * {@code main()} to a row written on the primary and read on the standby), alternating with a new
 * JVM running {@link ZonkyFirstNodeMain} (zonky's single node, from {@code main()} to a working
 * connection), so both see the same machine noise. One warm-up of each is not counted: the template
 * and the unpacked binaries exist, as they do for every run but a machine's first. Prints both
 * medians, every sample, the ratio, and the median time of each of hotstandby's start-up phases
 * ({@link StartupTrace}). Not a test: run it with the command in docs/benchmarks.md.
 *
 * <p>Arguments: the number of runs (default 10). {@code -Dbenchmark.jvmOptions="..."} passes JVM
 * options to every child, for figures with flags a user would have to add.
 * {@code -Dbenchmark.baseline=<classpath>} adds a third child to each round: {@link FirstClusterMain}
 * on that classpath (an earlier build of hotstandby's classes, then the test classpath), for a
 * before/after comparison under the same noise. {@code -Dbenchmark.reuse=true} runs hotstandby's
 * children with {@code hotstandby.reuse=true}: the warm-up keeps its cluster, and every counted run
 * takes it from the run before (attach, check, refresh, then the row); the last run's cluster is
 * removed by its watchdog a minute later.
 *
 * <p>{@code -Dbenchmark.backend=vagrant} (or containers) runs hotstandby's children on that backend,
 * with this JVM's {@code hotstandby.*} properties (version, image, provider); zonky runs only on
 * local processes, so the peer is then hotstandby's own first cluster of a fresh JVM without reuse,
 * and the ratio says what reuse saves there.
 */
public final class FreshJvmBenchmark {
    private static final long TIMEOUT_SECONDS = 120;

    private FreshJvmBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<String> jvmOptions = Arrays.stream(System.getProperty("benchmark.jvmOptions", "").trim().split("\\s+"))
                .filter(option -> !option.isEmpty()).toList();
        String classpath = testClasspath();
        String baseline = System.getProperty("benchmark.baseline", "").trim();
        Path scratch = Files.createTempDirectory(Path.of(Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"),
                "hotstandby-fresh-");
        try {
            boolean reuse = Boolean.getBoolean("benchmark.reuse");
            boolean onLocal = BACKEND.equals("local");
            hotstandby(classpath, jvmOptions, reuse);
            if (!baseline.isEmpty()) {
                hotstandby(baseline, jvmOptions, reuse);
            }
            if (onLocal) {
                zonky(classpath, jvmOptions, scratch.resolve("warmup"));
            }
            List<Long> pair = new ArrayList<>();
            List<Long> before = new ArrayList<>();
            List<Long> zonky = new ArrayList<>();
            Map<String, List<Long>> phases = new LinkedHashMap<>();
            Map<String, List<Long>> beforePhases = new LinkedHashMap<>();
            for (int run = 0; run < runs; run++) {
                Run first = hotstandby(classpath, jvmOptions, reuse);
                pair.add(first.nanos());
                collect(first, phases);
                if (!baseline.isEmpty()) {
                    Run earlier = hotstandby(baseline, jvmOptions, reuse);
                    before.add(earlier.nanos());
                    collect(earlier, beforePhases);
                }
                zonky.add(onLocal ? zonky(classpath, jvmOptions, scratch.resolve("run-" + run)).nanos()
                        : hotstandby(classpath, jvmOptions, false).nanos());
            }
            long pairMedian = PairTiming.median(pair);
            long zonkyMedian = PairTiming.median(zonky);
            System.out.printf("runs: %d fresh JVMs of each, alternating (data on %s)%s%n", runs, scratch.getParent(),
                    jvmOptions.isEmpty() ? "" : "; JVM options " + jvmOptions);
            System.out.println("hotstandby phases, median time from main() at each phase's end"
                    + (before.isEmpty() ? ":" : " (this build, baseline):"));
            Map<String, List<Long>> allPhases = new LinkedHashMap<>(phases);
            beforePhases.forEach(allPhases::putIfAbsent);
            allPhases.keySet().forEach(phase -> System.out.printf("  %-32s %9s%s%n", phase, medianMillis(phases.get(phase)),
                    before.isEmpty() ? "" : " " + medianMillis(beforePhases.get(phase))));
            System.out.printf("hotstandby first cluster (primary + 1 standby), main() -> row read on standby: median %.1f ms %s%n",
                    pairMedian / 1e6, PairTiming.millis(pair));
            if (!onLocal) {
                System.out.printf("on Backend.%s, hotstandby first cluster without reuse, main() -> row read on standby: median"
                        + " %.1f ms %s%n", BACKEND.toUpperCase(java.util.Locale.ROOT), zonkyMedian / 1e6, PairTiming.millis(zonky));
                System.out.printf("ratio (hotstandby first cluster%s / without reuse): %.3f%s%n", reuse ? ", reused" : "",
                        (double) pairMedian / zonkyMedian, BACKEND.equals("vagrant") && reuse
                                ? String.format(" (target: the reused one <= 2 s: %.1f s)", pairMedian / 1e9) : "");
                return;
            }
            System.out.printf("zonky first EmbeddedPostgres single node, main() -> working connection:     median %.1f ms %s%n",
                    zonkyMedian / 1e6, PairTiming.millis(zonky));
            System.out.printf("ratio (hotstandby first cluster%s / zonky first node): %.3f (target <= %s)%n",
                    reuse ? ", reused" : "", (double) pairMedian / zonkyMedian, reuse ? "0.15" : "0.25");
            if (!before.isEmpty()) {
                long beforeMedian = PairTiming.median(before);
                System.out.printf("baseline build, main() -> row read on standby:                               median %.1f ms %s%n",
                        beforeMedian / 1e6, PairTiming.millis(before));
                System.out.printf("ratio (baseline / zonky first node): %.3f; this build / baseline: %.3f%n",
                        (double) beforeMedian / zonkyMedian, (double) pairMedian / beforeMedian);
            }
        } finally {
            deleteTree(scratch);
        }
    }

    private static void collect(Run run, Map<String, List<Long>> phases) {
        run.phases().forEach((phase, nanos) -> phases.computeIfAbsent(phase, key -> new ArrayList<>()).add(nanos));
    }

    private static String medianMillis(List<Long> samples) {
        return samples == null ? "-" : String.format("%.1f ms", PairTiming.median(samples) / 1e6);
    }

    /** What one child printed: its time from main(), and when each start-up phase ended, from main(). */
    private record Run(long nanos, Map<String, Long> phases) {
    }

    /** Where hotstandby's children run: local, containers or vagrant. */
    private static final String BACKEND = System.getProperty("benchmark.backend", "local").trim().toLowerCase(java.util.Locale.ROOT);

    private static Run hotstandby(String classpath, List<String> jvmOptions, boolean reuse) throws Exception {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-D" + StartupTrace.PROPERTY + "=true");
        if (!BACKEND.equals("local")) {
            System.getProperties().stringPropertyNames().stream()
                    .filter(name -> name.startsWith("hotstandby.") && !name.startsWith("hotstandby.reuse"))
                    .forEach(name -> options.add("-D" + name + "=" + System.getProperty(name)));
            options.add("-Dhotstandby.backend=" + BACKEND);
        }
        if (reuse) {
            options.addAll(List.of("-Dhotstandby.reuse=true", "-Dhotstandby.reuse.idle=PT1M"));
        }
        return run(command(classpath, options, FirstClusterMain.class.getName()));
    }

    private static Run zonky(String classpath, List<String> jvmOptions, Path dataDir) throws Exception {
        return run(command(classpath, jvmOptions, ZonkyFirstNodeMain.class.getName(), dataDir.toString()));
    }

    private static List<String> command(String classpath, List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static Run run(List<String> command) throws Exception {
        Path output = Files.createTempFile("hotstandby-fresh-jvm", ".out");
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            child.getOutputStream().close();
            if (!child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new IllegalStateException("no result within " + TIMEOUT_SECONDS + " s from " + command);
            }
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            if (child.exitValue() != 0) {
                throw new IllegalStateException("exit status " + child.exitValue() + " of " + command + ":\n"
                        + String.join("\n", lines));
            }
            return parse(lines, command);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static Run parse(List<String> lines, List<String> command) {
        Long started = null;
        Long nanos = null;
        Map<String, Long> marks = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.startsWith(FirstClusterMain.STARTED)) {
                started = Long.parseLong(line.substring(FirstClusterMain.STARTED.length()).trim());
            } else if (line.startsWith(FirstClusterMain.RESULT)) {
                nanos = Long.parseLong(line.substring(FirstClusterMain.RESULT.length()).trim());
            } else if (line.startsWith(StartupTrace.PREFIX)) {
                String[] parts = line.substring(StartupTrace.PREFIX.length()).split(" ", 3);
                marks.putIfAbsent(parts[2], Long.parseLong(parts[0]));
            }
        }
        if (nanos == null) {
            throw new IllegalStateException("no result line from " + command + ":\n" + String.join("\n", lines));
        }
        Map<String, Long> phases = new LinkedHashMap<>();
        if (started != null) {
            long origin = started;
            marks.forEach((phase, at) -> phases.put(phase, at - origin));
        }
        return new Run(nanos, phases);
    }

    /** The java launcher running this JVM. */
    private static String java() {
        return ProcessHandle.current().info().command().filter(command -> Files.isExecutable(Path.of(command)))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * The test classpath: java.class.path when this JVM was started on it, else (under
     * {@code exec:java}, which runs in Maven's JVM) the URLs of the class loader that loaded this class.
     */
    private static String testClasspath() {
        if (FreshJvmBenchmark.class.getClassLoader() instanceof URLClassLoader loader && loader.getURLs().length > 0) {
            return Arrays.stream(loader.getURLs()).map(FreshJvmBenchmark::path).collect(Collectors.joining(File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    private static String path(URL url) {
        try {
            return Path.of(url.toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(url.toString(), e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
