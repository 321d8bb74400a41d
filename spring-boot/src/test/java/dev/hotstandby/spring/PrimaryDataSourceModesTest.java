package dev.hotstandby.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code hotstandby.datasource} chooses what Boot's DataSource connects to. One cluster for all:
 * each {@code @Nested} class shares it, with a context of its own for its own properties.
 */
@SpringBootTest(classes = TestApplication.class)
@PostgresStandbyCluster(standbys = 1)
class PrimaryDataSourceModesTest {

    @Nested
    @TestPropertySource(properties = "hotstandby.datasource=multihost")
    class Multihost {
        @Autowired
        DataSource dataSource;
        @Autowired
        PostgresCluster cluster;

        @Test
        void theUrlNamesEveryNodeAndAsksForThePrimary() throws Exception {
            assertThat(((HikariDataSource) dataSource).getJdbcUrl())
                    .isEqualTo(cluster.multiHostJdbcUrl() + "?targetServerType=primary");
            assertThat(ServerSeen.through(dataSource).node()).isEqualTo("primary");
        }
    }

    /** Pointed at the standby, to tell the application's URL from hotstandby's; so no Flyway, which would write. */
    @Nested
    @TestPropertySource(properties = {"hotstandby.datasource=none", "spring.datasource.url=${hotstandby.standbys[0].url}",
            "spring.datasource.username=${hotstandby.username}", "spring.datasource.password=${hotstandby.password}",
            "spring.flyway.enabled=false"})
    class None {
        @Autowired
        ApplicationContext context;
        @Autowired
        DataSource dataSource;

        @Test
        void theApplicationsOwnDatasourcePropertiesApplyAsTheyAre() throws Exception {
            assertThat(context.containsBean("hotstandbyJdbcConnectionDetails")).isFalse();
            ServerSeen seen = ServerSeen.through(dataSource);
            assertThat(seen.node()).isEqualTo("standby-0");
            assertThat(seen.inRecovery()).isTrue();
        }
    }
}
