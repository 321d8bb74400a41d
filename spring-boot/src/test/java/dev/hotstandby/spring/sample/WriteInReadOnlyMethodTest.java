package dev.hotstandby.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sample 4: the bug this setup exists to catch. A {@code readOnly} method that writes passes every
 * test whose only pool is the primary; routed to a real standby it fails with SQLState 25006
 * ({@code read_only_sql_transaction}), translated by Spring into a {@link DataAccessException}.
 */
@CustomerApplicationTest
@PostgresStandbyCluster(shared = true, standbys = 1, database = "shop", username = "shop")
class WriteInReadOnlyMethodTest {
    @Autowired
    CustomerService customers;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    PostgresCluster cluster;

    @Test
    void aReadOnlyMethodThatWritesFailsOnTheStandby() {
        Customer linus = customers.create("Linus");
        await().atMost(Duration.ofSeconds(10)).until(() -> customers.find(linus.id()).isPresent());
        TransactionTemplate readOnly = new TransactionTemplate(transactions);
        readOnly.setReadOnly(true);

        // one read-only transaction: the method joins it, so the server it fails on is the one seen first
        readOnly.executeWithoutResult(status -> {
            assertThat(Servers.current(jdbc)).isEqualTo(new Servers(cluster.standby(0).name(), true));

            assertThatThrownBy(() -> customers.recordVisit(linus.id()))
                    .isInstanceOf(DataAccessException.class)
                    .rootCause().isInstanceOfSatisfying(SQLException.class,
                            refused -> assertThat(refused.getSQLState()).isEqualTo("25006"))
                    .hasMessageContaining("cannot execute UPDATE in a read-only transaction");
            status.setRollbackOnly();
        });
    }

    @Test
    void theSameWriteInAReadWriteTransactionSucceedsOnThePrimary() {
        Customer linus = customers.create("Linus");

        int updated = new TransactionTemplate(transactions).execute(status ->
                jdbc.sql("UPDATE customer SET last_visit = now() WHERE id = ?").param(linus.id()).update());

        assertThat(updated).isEqualTo(1);
    }
}
