package dev.hotstandby.spring;

import dev.hotstandby.junit.PostgresStandbyCluster;
import org.springframework.boot.test.autoconfigure.data.jdbc.DataJdbcTest;

/** See {@link DataJdbcSliceChecks.KeepsThePrimary}. */
@DataJdbcTest
@PostgresStandbyCluster(standbys = 0)
class DataJdbcSliceTest extends DataJdbcSliceChecks.KeepsThePrimary {
}
