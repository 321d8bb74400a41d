package dev.hotstandby.spring.sample;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.dao.DataAccessException;

/**
 * A client that keeps creating customers while a test breaks the database under it: it counts the
 * writes the service acknowledged and those that failed.
 */
final class Writer implements AutoCloseable {
    private final List<Long> acknowledged = new CopyOnWriteArrayList<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final Future<?> writing;

    Writer(CustomerService customers) {
        writing = thread.submit(() -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    acknowledged.add(customers.create("customer " + i).id());
                } catch (DataAccessException refused) {
                    failed.incrementAndGet();
                }
            }
        });
    }

    /** The ids of the customers whose creation returned. */
    List<Long> acknowledged() {
        return acknowledged;
    }

    int failed() {
        return failed.get();
    }

    /** Stops after the write in progress; returns once it has. */
    void stop() throws Exception {
        stop.set(true);
        writing.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        stop.set(true);
        thread.shutdownNow();
    }
}
