package dev.hotstandby.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * With {@code PER_CLASS} lifecycle Spring loads the context while post-processing the instance,
 * before any {@code beforeAll}, and here Spring's extension is registered first: the cluster must
 * be up already. A context closed by {@code @DirtiesContext} leaves the cluster running.
 */
@SpringBootTest(classes = TestApplication.class)
@PostgresStandbyCluster(standbys = 1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class LifecycleTest {
    @Autowired
    DataSource dataSource;
    @Autowired
    PostgresCluster cluster;
    @Primary
    DataSource primary;

    @Test
    void theContextOfAPerClassInstanceReachesThePrimary() throws Exception {
        assertThat(ServerSeen.through(dataSource).node()).isEqualTo("primary");
    }

    /** After the context closed (after the test): the cluster is not the context's to close. */
    @AfterAll
    void theClusterOutlivesTheContext() throws Exception {
        assertThat(ServerSeen.through(primary).node()).isEqualTo("primary");
        assertThat(ServerSeen.through(cluster.standby(0).dataSource()).inRecovery()).isTrue();
    }
}
