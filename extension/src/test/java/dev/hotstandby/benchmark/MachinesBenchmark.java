package dev.hotstandby.benchmark;

import dev.hotstandby.Backend;
import java.util.ArrayList;
import java.util.List;

/**
 * Time from {@code start()} to "a row committed on the primary is readable on the standby" for a
 * primary and one standby on Vagrant machines (vagrant up, provisioning over SSH, base backup),
 * side by side in the same JVM with the containers and local backends. Runs alternate so all see
 * the same machine noise; one warm-up of each is not counted. The target for Vagrant is 15 s. Not a
 * test: run it with the command in docs/benchmarks.md ({@code -Dhotstandby.vagrant.provider},
 * {@code -Dhotstandby.version} and {@code -Dhotstandby.image} apply as for any cluster).
 */
public final class MachinesBenchmark {
    private static final double TARGET_SECONDS = 15;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<Backend> backends = List.of(Backend.VAGRANT, Backend.CONTAINERS, Backend.LOCAL);
        for (Backend backend : backends) {
            PairTiming.untilReplicatedRow(backend);
        }
        List<List<Long>> timings = backends.stream().map(b -> (List<Long>) new ArrayList<Long>()).toList();
        for (int run = 0; run < runs; run++) {
            for (int i = 0; i < backends.size(); i++) {
                timings.get(i).add(PairTiming.untilReplicatedRow(backends.get(i)));
            }
        }
        System.out.printf("runs: %d, PostgreSQL %s, Vagrant provider %s%n", runs, System.getProperty("hotstandby.version", "default"),
                System.getProperty("hotstandby.vagrant.provider", "Vagrant's default"));
        long[] medians = new long[backends.size()];
        for (int i = 0; i < backends.size(); i++) {
            medians[i] = PairTiming.median(timings.get(i));
            System.out.printf("%-10s primary + 1 standby, start -> row readable on standby: median %8.1f ms %s%n",
                    backends.get(i).name().toLowerCase(), medians[i] / 1e6, PairTiming.millis(timings.get(i)));
        }
        System.out.printf("ratio (vagrant / containers): %.1f%n", (double) medians[0] / medians[1]);
        System.out.printf("ratio (vagrant / local): %.1f%n", (double) medians[0] / medians[2]);
        System.out.printf("vagrant target %.0f s: %s%n", TARGET_SECONDS, medians[0] / 1e9 <= TARGET_SECONDS ? "met" : "missed");
    }
}
