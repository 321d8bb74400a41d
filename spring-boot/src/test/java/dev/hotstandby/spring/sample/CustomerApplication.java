package dev.hotstandby.spring.sample;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small application as teams write them: customers in PostgreSQL, migrated by Flyway, written
 * on the primary and read from a replica ({@link ReadReplicaRouting}). Its tests are the samples.
 */
@SpringBootApplication
public class CustomerApplication {
}
