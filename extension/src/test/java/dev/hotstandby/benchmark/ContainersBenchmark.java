package dev.hotstandby.benchmark;

import dev.hotstandby.Backend;
import java.util.ArrayList;
import java.util.List;

/**
 * Time from {@code start()} to "a row committed on the primary is readable on the standby", for a
 * primary with one standby on the containers backend (image present), side by side in the same
 * JVM with the same on the local backend. Runs alternate so both see the same machine noise; one
 * warm-up of each is not counted. Not a test: run it with the command in docs/benchmarks.md. The image and
 * major come from {@code -Dhotstandby.image} and {@code -Dhotstandby.version} as for any cluster.
 */
public final class ContainersBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        PairTiming.untilReplicatedRow(Backend.CONTAINERS);
        PairTiming.untilReplicatedRow(Backend.LOCAL);
        List<Long> containers = new ArrayList<>();
        List<Long> local = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            containers.add(PairTiming.untilReplicatedRow(Backend.CONTAINERS));
            local.add(PairTiming.untilReplicatedRow(Backend.LOCAL));
        }
        long containersMedian = PairTiming.median(containers);
        long localMedian = PairTiming.median(local);
        System.out.printf("runs: %d, image %s, PostgreSQL %s%n", runs,
                System.getProperty("hotstandby.image", "postgres:<major>"), System.getProperty("hotstandby.version", "default"));
        System.out.printf("containers primary + 1 standby, start -> row readable on standby: median %7.1f ms %s%n",
                containersMedian / 1e6, PairTiming.millis(containers));
        System.out.printf("local      primary + 1 standby, start -> row readable on standby: median %7.1f ms %s%n",
                localMedian / 1e6, PairTiming.millis(local));
        System.out.printf("ratio (containers / local): %.1f%n", (double) containersMedian / localMedian);
    }




}
