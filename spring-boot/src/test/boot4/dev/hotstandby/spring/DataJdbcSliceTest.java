package dev.hotstandby.spring;

import dev.hotstandby.junit.PostgresStandbyCluster;
import org.springframework.boot.data.jdbc.test.autoconfigure.DataJdbcTest;

/** See {@link DataJdbcSliceChecks.KeepsThePrimary}. */
@DataJdbcTest
@PostgresStandbyCluster(standbys = 0)
class DataJdbcSliceTest extends DataJdbcSliceChecks.KeepsThePrimary {
}
