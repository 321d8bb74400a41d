package dev.hotstandby.spring.sample;

// tag::replica-routing[]
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Sample 1: read-only transactions really reach the standby, writes the primary. */
@CustomerApplicationTest
@PostgresStandbyCluster(shared = true, standbys = 1, database = "shop", username = "shop")
class ReplicaRoutingTest {
    @Autowired
    CustomerService customers;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    PostgresCluster cluster;

    @Test
    void aReadOnlyTransactionRunsOnTheStandby() {
        TransactionTemplate readOnly = new TransactionTemplate(transactions);
        readOnly.setReadOnly(true);

        Servers server = readOnly.execute(status -> Servers.current(jdbc));   // cluster_name, pg_is_in_recovery()

        assertThat(server).isEqualTo(new Servers(cluster.standby(0).name(), true));
    }

    @Test
    void aReadWriteTransactionRunsOnThePrimary() {
        Servers server = new TransactionTemplate(transactions).execute(status -> Servers.current(jdbc));

        assertThat(server).isEqualTo(new Servers(cluster.primary().name(), false));
    }

    @Test
    void aCustomerWrittenOnThePrimaryIsReadFromTheStandbyOnceReplayed() {
        Customer ada = customers.create("Ada");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(customers.find(ada.id())).contains(ada));
    }
}
// end::replica-routing[]
