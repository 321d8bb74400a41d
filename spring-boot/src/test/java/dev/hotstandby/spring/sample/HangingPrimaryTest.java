package dev.hotstandby.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The primary hangs rather than refuses, as behind a cut network: with {@code clientFaults} the
 * application's connections go through a relay that {@code cutClients} freezes. HikariCP with a
 * socket timeout gives up on the hung connections, fails the requests meanwhile, and serves again
 * once the network is back; no acknowledged write is lost. Without a socket timeout each request
 * would hang for as long as the network does.
 */
@CustomerApplicationTest
@TestPropertySource(properties = {
        "spring.datasource.hikari.data-source-properties.socketTimeout=1",
        "spring.datasource.hikari.connection-timeout=1000",
        "spring.datasource.hikari.validation-timeout=250"})
@PostgresStandbyCluster(shared = true, standbys = 1, database = "shop", username = "shop", clientFaults = true)
class HangingPrimaryTest {
    @Autowired
    CustomerService customers;
    @Autowired
    PostgresCluster cluster;

    @Test
    void hikariGivesUpOnAHangingPrimaryAndServesAgainWhenTheNetworkIsBack() throws Exception {
        try (Writer writer = new Writer(customers)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged().size() >= 10);
            cluster.cutClients(cluster.primary());
            try {
                // longer than the socket timeout: whatever was in flight, and what came after, fails
                await().atMost(Duration.ofSeconds(20)).until(() -> writer.failed() >= 2);
            } finally {
                cluster.restoreClients(cluster.primary());
            }
            int beforeRecovery = writer.acknowledged().size();
            await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged().size() >= beforeRecovery + 10);
            writer.stop();

            System.out.printf("hanging primary sample: %d writes acknowledged, %d failed while it hung%n",
                    writer.acknowledged().size(), writer.failed());
            List<Long> stored = JdbcClient.create(cluster.primary().dataSource())
                    .sql("SELECT id FROM customer").query(Long.class).list();
            assertThat(stored).containsAll(writer.acknowledged());
        }
    }
}
