package dev.hotstandby.backend.local;

import dev.hotstandby.PostgresCluster;
import java.util.List;

/**
 * Builder code as {@code exec:java} runs it: start and close a cluster, then do what exec:java
 * does before it returns (interrupt the threads still alive, wait up to 15 s for each) and print
 * which hotstandby threads were left at each step.
 */
public final class BuilderExitMain {
    static final String NON_DAEMON = "non-daemon hotstandby threads after close: ";
    static final String SURVIVORS = "hotstandby threads alive after interrupt: ";

    private BuilderExitMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            cluster.primary().jdbcUrl();
        }
        System.out.println(NON_DAEMON + names(hotstandbyThreads().stream().filter(t -> !t.isDaemon()).toList()));
        List<Thread> left = hotstandbyThreads();
        left.forEach(Thread::interrupt);
        for (Thread thread : left) {
            thread.join(15_000);
        }
        System.out.println(SURVIVORS + names(hotstandbyThreads()));
    }

    /** Live threads named hotstandby-*, except shutdown hooks (registered, not started). */
    private static List<Thread> hotstandbyThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("hotstandby-")).toList();
    }

    private static List<String> names(List<Thread> threads) {
        return threads.stream().map(Thread::getName).toList();
    }
}
