package dev.hotstandby.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * By default Boot's DataSource has the primary's own URL, as {@code @ServiceConnection} gives it:
 * after a failover it still dials the former primary. An application that must follow a
 * failover configures the multi-host URL ({@code hotstandby.datasource=multihost}, or its own
 * {@code spring.datasource.url}; see the failover sample).
 */
@SpringBootTest(classes = TestApplication.class, properties = "spring.datasource.hikari.connection-timeout=1000")
@PostgresStandbyCluster(standbys = 1)
class PrimaryAfterFailoverTest {
    @Autowired
    DataSource dataSource;
    @Autowired
    PostgresCluster cluster;

    @Test
    void bootsDataSourceStillDialsTheFormerPrimaryAfterAFailover() throws Exception {
        assertThat(ServerSeen.through(dataSource).node()).isEqualTo("primary");

        cluster.kill(cluster.primary());
        PostgresNode promoted = cluster.promote(cluster.standby(0));

        // the pooled connections died with the primary; a new one dials its address again and fails:
        // HikariCP's timeout, caused by pgjdbc's connection failure (SQLState class 08)
        ((HikariDataSource) dataSource).getHikariPoolMXBean().softEvictConnections();
        assertThatThrownBy(() -> ServerSeen.through(dataSource)).isInstanceOf(SQLException.class)
                .cause().isInstanceOfSatisfying(SQLException.class,
                        refused -> assertThat(refused.getSQLState()).startsWith("08"));
        assertThat(ServerSeen.through(promoted.dataSource()).inRecovery()).isFalse();
    }
}
