package dev.hotstandby.backend.machines;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Blocking work per machine (SSH round trips, {@code vagrant} runs) side by side, one thread each:
 * the common pool has a single thread on two cores. Every task finishes before the first failure
 * is thrown, so nothing runs on unnoticed.
 */
final class Parallel {
    private Parallel() {
    }

    static <T, R> List<R> map(List<T> inputs, Function<T, R> task) {
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, inputs.size()), runnable -> {
            Thread thread = new Thread(runnable, "hotstandby-machines");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<R>> running = inputs.stream()
                    .map(input -> CompletableFuture.supplyAsync(() -> task.apply(input), threads)).toList();
            List<R> results = new ArrayList<>();
            RuntimeException failure = null;
            for (CompletableFuture<R> result : running) {
                try {
                    results.add(result.join());
                } catch (CompletionException e) {
                    results.add(null);
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
                    }
                }
            }
            if (failure != null) {
                throw new PartialFailure(failure, results);
            }
            return results;
        } finally {
            threads.shutdown();
        }
    }

    /** The first failure, with what the tasks that succeeded returned (null for the failed ones). */
    static final class PartialFailure extends RuntimeException {
        private final transient List<?> results;

        PartialFailure(RuntimeException first, List<?> results) {
            super(first.getMessage(), first);
            this.results = results;
        }

        List<?> results() {
            return results;
        }

        RuntimeException first() {
            return (RuntimeException) getCause();
        }
    }
}
