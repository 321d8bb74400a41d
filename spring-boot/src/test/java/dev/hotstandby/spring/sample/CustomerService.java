package dev.hotstandby.spring.sample;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Writes in read-write transactions (the primary), reads in read-only ones (the replica). */
@Service
public class CustomerService {
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(30);
    private static final Duration REPLAY_POLL = Duration.ofMillis(10);

    private final JdbcClient jdbc;

    public CustomerService(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    public Customer create(String name) {
        long id = jdbc.sql("INSERT INTO customer (name) VALUES (?) RETURNING id").param(name)
                .query(Long.class).single();
        return new Customer(id, name);
    }

    @Transactional(readOnly = true)
    public Optional<Customer> find(long id) {
        return jdbc.sql("SELECT id, name FROM customer WHERE id = ?").param(id).query(Customer.class).optional();
    }

    /**
     * A read-only read that first waits until the server it runs on has replayed {@code walPosition}
     * (a replica; on the primary {@code pg_last_wal_replay_lsn()} is null and there is nothing to wait for).
     * Each statement of a read-committed transaction on a replica sees what it has replayed by then.
     */
    @Transactional(readOnly = true)
    public Optional<Customer> findOnceReplayed(String walPosition, long id) {
        long giveUpAt = System.nanoTime() + REPLAY_WAIT.toNanos();
        while (!jdbc.sql("SELECT coalesce(pg_last_wal_replay_lsn() >= ?::pg_lsn, true)").param(walPosition)
                .query(Boolean.class).single()) {
            if (System.nanoTime() > giveUpAt) {
                throw new IllegalStateException("the replica has not replayed " + walPosition + " after " + REPLAY_WAIT);
            }
            sleep();
        }
        return find(id);
    }

    private static void sleep() {
        try {
            Thread.sleep(REPLAY_POLL.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the replica's replay", interrupted);
        }
    }

    @Transactional(readOnly = true)
    public List<Long> ids() {
        return jdbc.sql("SELECT id FROM customer ORDER BY id").query(Long.class).list();
    }

    /** The bug a replica setup exists to catch: a read-only method that writes. */
    @Transactional(readOnly = true)
    public void recordVisit(long id) {
        jdbc.sql("UPDATE customer SET last_visit = now() WHERE id = ?").param(id).update();
    }
}
