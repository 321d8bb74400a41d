package dev.hotstandby.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sample 2a: the read-your-writes anomaly that only a real replica shows. While the standby lags
 * (replay paused here), a read-only read right after a write misses the row the user just saved.
 * {@link ReadYourWritesWithRemoteApplyTest} is the same flow with {@code remote_apply}.
 */
@CustomerApplicationTest
@PostgresStandbyCluster(shared = true, standbys = 1, database = "shop", username = "shop")
class ReadYourWritesTest {
    @Autowired
    CustomerService customers;
    @Autowired
    PostgresCluster cluster;

    @Test
    void aReadRightAfterAWriteMissesItWhileTheStandbyLags() {
        PostgresNode standby = cluster.standby(0);
        cluster.pauseReplay(standby);
        Customer grace;
        try {
            grace = customers.create("Grace");
            // the write's WAL is on the standby, only not replayed: the miss below is the lag, not the network
            String writtenUpTo = primary().sql("SELECT pg_current_wal_lsn()::text").query(String.class).single();
            await().atMost(Duration.ofSeconds(10)).until(() -> JdbcClient.create(standby.dataSource())
                    .sql("SELECT pg_last_wal_receive_lsn() >= ?::pg_lsn").param(writtenUpTo).query(Boolean.class).single());

            assertThat(customers.find(grace.id())).isEmpty();
        } finally {
            cluster.resumeReplay(standby);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(customers.find(grace.id())).contains(grace));
    }

    private JdbcClient primary() {
        return JdbcClient.create(cluster.primary().dataSource());
    }
}
