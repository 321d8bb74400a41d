package dev.hotstandby.spring.sample;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Signs a customer up and shows the saved customer, read back. {@link #signUp} has the read-your-writes
 * bug: the read-only read that follows the write may run on a replica that has not replayed it yet.
 * The two usual fixes are beside it.
 */
@Service
public class SignUpService {
    private final CustomerService customers;
    private final JdbcClient jdbc;

    public SignUpService(CustomerService customers, JdbcClient jdbc) {
        this.customers = customers;
        this.jdbc = jdbc;
    }

    /** The bug: the write commits on the primary, then a read-only transaction reads it back, maybe from a replica. */
    public Customer signUp(String name) {
        Customer saved = customers.create(name);
        return customers.find(saved.id()).orElseThrow(() -> missing(saved));
    }

    // tag::sign-up-fixes[]
    /** Fix 1: the read joins the writing transaction, which is not read-only, so it runs on the primary. */
    @Transactional
    public Customer signUpReadingInTheWritingTransaction(String name) {
        Customer saved = customers.create(name);
        return customers.find(saved.id()).orElseThrow(() -> missing(saved));
    }

    /**
     * Fix 2: the read stays on the replica but waits until the replica has replayed the write's commit:
     * the primary's WAL position after the commit ({@code pg_current_wal_lsn()}), then
     * {@code pg_last_wal_replay_lsn()} on the replica.
     */
    public Customer signUpReadingOnceReplayed(String name) {
        Customer saved = customers.create(name);
        String committedAt = jdbc.sql("SELECT pg_current_wal_lsn()::text").query(String.class).single();
        return customers.findOnceReplayed(committedAt, saved.id()).orElseThrow(() -> missing(saved));
    }
    // end::sign-up-fixes[]

    private static IllegalStateException missing(Customer saved) {
        return new IllegalStateException("customer " + saved.id() + " (" + saved.name() + ") is missing right after it was saved");
    }
}
