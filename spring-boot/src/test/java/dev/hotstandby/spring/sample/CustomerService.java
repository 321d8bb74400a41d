package dev.hotstandby.spring.sample;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Writes in read-write transactions (the primary), reads in read-only ones (the replica). */
@Service
public class CustomerService {
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
