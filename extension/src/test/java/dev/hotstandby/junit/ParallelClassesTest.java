package dev.hotstandby.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Classes run in parallel, each with a cluster of its own, at the same time. */
class ParallelClassesTest {
    private static final Map<String, String> PARALLEL = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "3");

    static final Set<Integer> PRIMARY_PORTS = ConcurrentHashMap.newKeySet();
    /** Every class waits here, inside its test, until all three clusters are up at once. */
    static final CyclicBarrier ALL_UP = new CyclicBarrier(3);

    @Test
    void threeClassesRunConcurrentlyWithSeparateClusters() {
        EngineRuns.run(PARALLEL, First.class, Second.class, Third.class)
                .testEvents().assertStatistics(stats -> stats.succeeded(3).failed(0));
        assertThat(PRIMARY_PORTS).hasSize(3);
        assertThat(EngineRuns.runningServers()).isZero();
    }

    static void meetTheOthers(PostgresCluster cluster) throws Exception {
        cluster.awaitReplication();
        PRIMARY_PORTS.add(cluster.primary().port());
        ALL_UP.await(2, TimeUnit.MINUTES);
    }

    @PostgresStandbyCluster
    static class First {
        @Test
        void runs(PostgresCluster cluster) throws Exception {
            meetTheOthers(cluster);
        }
    }

    @PostgresStandbyCluster
    static class Second {
        @Test
        void runs(PostgresCluster cluster) throws Exception {
            meetTheOthers(cluster);
        }
    }

    @PostgresStandbyCluster(standbys = 2)
    static class Third {
        @Test
        void runs(PostgresCluster cluster) throws Exception {
            meetTheOthers(cluster);
        }
    }
}
