package dev.hotstandby.benchmark;

import dev.hotstandby.Backend;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Time from {@code start()} to "a row committed on the primary is readable on the standby", for a
 * primary with one standby on the local backend, side by side in the same JVM with zonky's
 * single-node {@code EmbeddedPostgres} start on the same binaries. Runs alternate so both see the
 * same machine noise; one warm-up of each is not counted. Not a test: run it with the command in
 * docs/benchmarks.md and read the ratio.
 */
public final class StartupBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path scratch = Files.createTempDirectory(Path.of(Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"),
                "hotstandby-bench-");
        try {
            PairTiming.untilReplicatedRow(Backend.LOCAL);
            zonkySingleNode(scratch.resolve("warmup"));
            List<Long> pair = new ArrayList<>();
            List<Long> zonky = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                pair.add(PairTiming.untilReplicatedRow(Backend.LOCAL));
                zonky.add(zonkySingleNode(scratch.resolve("run-" + run)));
            }
            long pairMedian = PairTiming.median(pair);
            long zonkyMedian = PairTiming.median(zonky);
            System.out.printf("runs: %d (data on %s)%n", runs, scratch.getParent());
            System.out.printf("hotstandby primary + 1 standby, start -> row readable on standby: median %.1f ms %s%n",
                    pairMedian / 1e6, PairTiming.millis(pair));
            System.out.printf("zonky EmbeddedPostgres single node start:                        median %.1f ms %s%n",
                    zonkyMedian / 1e6, PairTiming.millis(zonky));
            System.out.printf("ratio (hotstandby pair / zonky single node): %.3f%n", (double) pairMedian / zonkyMedian);
        } finally {
            deleteTree(scratch);
        }
    }



    private static long zonkySingleNode(Path dataDir) throws Exception {
        long started = System.nanoTime();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dataDir).start()) {
            return System.nanoTime() - started;
        }
    }



    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
