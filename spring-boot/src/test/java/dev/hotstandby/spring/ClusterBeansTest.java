package dev.hotstandby.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

/** What a test class with both annotations finds in its context: the cluster as DataSources, a bean and properties. */
@SpringBootTest(classes = TestApplication.class, properties = "spring.datasource.hikari.maximum-pool-size=3")
@PostgresStandbyCluster(standbys = 2, database = "orders", username = "orders_app")
class ClusterBeansTest {
    @Autowired
    ApplicationContext context;
    @Autowired
    DataSource dataSource;
    @Autowired
    @Qualifier("standby0DataSource")
    DataSource standby0;
    @Autowired
    @Qualifier("standby1DataSource")
    DataSource standby1;
    @Autowired
    PostgresCluster cluster;
    @Autowired
    Environment environment;
    @Value("${hotstandby.standbys[1].url}")
    String secondStandbyUrl;

    @Test
    void bootsAutoConfiguredDataSourceReachesThePrimaryAsTheClustersUserWithItsPoolSettings() throws Exception {
        ServerSeen seen = ServerSeen.through(dataSource);

        assertThat(seen).isEqualTo(new ServerSeen(cluster.primary().name(), false, "orders_app", "orders"));
        assertThat(dataSource).isInstanceOfSatisfying(HikariDataSource.class, pool -> {
            assertThat(pool.getJdbcUrl()).isEqualTo(cluster.primary().jdbcUrl());
            assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
        });
    }

    @Test
    void eachStandbyIsADataSourceBeanThatNeverStandsInForThePrimary() throws Exception {
        assertThat(ServerSeen.through(standby0))
                .isEqualTo(new ServerSeen(cluster.standby(0).name(), true, "orders_app", "orders"));
        assertThat(ServerSeen.through(standby1))
                .isEqualTo(new ServerSeen(cluster.standby(1).name(), true, "orders_app", "orders"));

        Map<String, DataSource> all = context.getBeansOfType(DataSource.class);
        assertThat(all).containsOnlyKeys("dataSource", "standby0DataSource", "standby1DataSource");
        assertThat(context.getBean(DataSource.class)).isSameAs(dataSource);
    }

    @Test
    void theClusterIsABeanAndItsNodesAreProperties() {
        assertThat(context.getBean("postgresCluster")).isSameAs(cluster);
        assertThat(cluster.standbys()).hasSize(2);

        assertThat(environment.getProperty("hotstandby.primary.url")).isEqualTo(cluster.primary().jdbcUrl());
        assertThat(environment.getProperty("hotstandby.primary.port", Integer.class)).isEqualTo(cluster.primary().port());
        assertThat(environment.getProperty("hotstandby.standbys[0].url")).isEqualTo(cluster.standby(0).jdbcUrl());
        assertThat(secondStandbyUrl).isEqualTo(cluster.standby(1).jdbcUrl()).endsWith("/orders");
        assertThat(environment.getProperty("hotstandby.multihost-url")).isEqualTo(cluster.multiHostJdbcUrl());
        assertThat(environment.getProperty("hotstandby.username")).isEqualTo("orders_app");
        assertThat(environment.getProperty("hotstandby.password")).isEqualTo(cluster.primary().password()).isNotBlank();
        assertThat(environment.getProperty("hotstandby.database")).isEqualTo("orders");
    }
}
