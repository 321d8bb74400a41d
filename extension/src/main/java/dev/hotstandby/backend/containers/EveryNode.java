package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterStartException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One task per node, each in a thread of its own: a container's start, a {@code docker exec}, are
 * round trips to the daemon that are slow one after the other. The first failure ends the wait.
 */
final class EveryNode {
    interface Task {
        void run(ContainerNode node) throws SQLException;
    }

    private EveryNode() {
    }

    /**
     * Returns once {@code task} is done on every node, rethrowing the first failure as it was thrown;
     * {@code what} names the step for a timeout (e.g. "started"), {@code timeout} what it had in all.
     */
    static void inParallel(List<ContainerNode> nodes, String threadName, long deadline, String what, Duration timeout,
                           Task task) {
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size(), runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        try {
            ExecutorCompletionService<Void> tasks = new ExecutorCompletionService<>(pool);
            for (ContainerNode node : nodes) {
                tasks.submit(() -> {
                    task.run(node);
                    return null;
                });
            }
            for (int done = 0; done < nodes.size(); done++) {
                awaitNext(tasks, deadline, what, timeout);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The next finished task, rethrowing its failure as it was thrown. */
    private static void awaitNext(ExecutorCompletionService<Void> tasks, long deadline, String what, Duration timeout) {
        try {
            // a few seconds past the deadline: each task's own deadline check reports better why
            Future<Void> next = tasks.poll(Math.max(1, deadline - System.nanoTime()) + 5_000_000_000L, TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new TimeoutException();
            }
            next.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new ClusterStartException(cause.toString(), cause);
        } catch (TimeoutException e) {
            throw new ClusterStartException("not every container " + what + " within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException("interrupted while the containers " + what);
        }
    }
}
