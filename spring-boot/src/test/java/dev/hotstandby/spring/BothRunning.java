package dev.hotstandby.spring;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Two test case classes run at once, each test waiting in {@link #awaitTheOther()} for the other's:
 * both classes hold their clusters and contexts at the same time. Outside such a run it does not wait.
 */
final class BothRunning {
    private static final AtomicReference<CyclicBarrier> MEETING = new AtomicReference<>();

    private BothRunning() {
    }

    static EngineExecutionResults run(Class<?> first, Class<?> second) {
        MEETING.set(new CyclicBarrier(2));
        try {
            return EngineRuns.runConcurrently(first, second);
        } finally {
            MEETING.set(null);
        }
    }

    static void awaitTheOther() throws Exception {
        CyclicBarrier meeting = MEETING.get();
        if (meeting != null) {
            meeting.await(60, TimeUnit.SECONDS);
        }
    }
}
