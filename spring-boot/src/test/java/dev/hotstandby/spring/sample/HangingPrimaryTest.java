package dev.hotstandby.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
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
@PostgresStandbyCluster(standbys = 1, database = "shop", username = "shop", clientFaults = true)
class HangingPrimaryTest {
    @Autowired
    CustomerService customers;
    @Autowired
    PostgresCluster cluster;

    @Test
    void hikariGivesUpOnAHangingPrimaryAndServesAgainWhenTheNetworkIsBack() throws Exception {
        List<Long> acknowledged = new CopyOnWriteArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> writing = writer.submit(() -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    acknowledged.add(customers.create("customer " + i).id());
                } catch (DataAccessException timedOut) {
                    failed.incrementAndGet();
                }
            }
        });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() >= 10);
            cluster.cutClients(cluster.primary());
            try {
                // longer than the socket timeout: whatever was in flight, and what came after, fails
                await().atMost(Duration.ofSeconds(20)).until(() -> failed.get() >= 2);
            } finally {
                cluster.restoreClients(cluster.primary());
            }
            int beforeRecovery = acknowledged.size();
            await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= beforeRecovery + 10);
            stop.set(true);
            writing.get(30, TimeUnit.SECONDS);

            System.out.printf("hanging primary sample: %d writes acknowledged, %d failed while it hung%n",
                    acknowledged.size(), failed.get());
            List<Long> stored = JdbcClient.create(cluster.primary().dataSource())
                    .sql("SELECT id FROM customer").query(Long.class).list();
            assertThat(stored).containsAll(acknowledged);
        } finally {
            stop.set(true);
            writer.shutdownNow();
        }
    }
}
