package dev.hotstandby.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sample 3: the primary dies and its standby is promoted while the service keeps taking writes.
 * The application is configured as it would be in production for a failover: its primary pool on
 * pgjdbc's multi-host URL with {@code targetServerType=primary} ({@code hotstandby.datasource=none}
 * leaves {@code spring.datasource.url} to the application), so HikariCP's new connections find
 * whichever node is the primary now. Synchronous replication makes every acknowledged write safe.
 */
@CustomerApplicationTest
@org.springframework.test.context.TestPropertySource(properties = {
        "hotstandby.datasource=none",
        "spring.datasource.url=${hotstandby.multihost-url}?targetServerType=primary",
        "spring.datasource.username=${hotstandby.username}",
        "spring.datasource.password=${hotstandby.password}",
        "spring.datasource.hikari.connection-timeout=2000"})
@PostgresStandbyCluster(shared = true, standbys = 1, synchronous = true, database = "shop", username = "shop")
class FailoverTest {
    @Autowired
    CustomerService customers;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    PostgresCluster cluster;

    @Test
    void theServiceSurvivesAFailoverWithoutLosingAnAcknowledgedWrite() throws Exception {
        try (Writer writer = new Writer(customers)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged().size() >= 20);
            PostgresNode formerPrimary = cluster.primary();
            cluster.kill(formerPrimary);
            PostgresNode promoted = cluster.promote(cluster.standby(0));
            int beforeRecovery = writer.acknowledged().size();

            await().atMost(Duration.ofSeconds(30)).until(() -> writer.acknowledged().size() >= beforeRecovery + 20);
            writer.stop();

            System.out.printf("failover sample: %d writes acknowledged, %d refused during the switch%n",
                    writer.acknowledged().size(), writer.failed());
            List<Long> onThePromotedNode = JdbcClient.create(promoted.dataSource())
                    .sql("SELECT id FROM customer").query(Long.class).list();
            assertThat(onThePromotedNode).containsAll(writer.acknowledged());
            Servers writtenOn = new TransactionTemplate(transactions).execute(status -> Servers.current(jdbc));
            assertThat(writtenOn).isEqualTo(new Servers(promoted.name(), false));
        }
    }
}
