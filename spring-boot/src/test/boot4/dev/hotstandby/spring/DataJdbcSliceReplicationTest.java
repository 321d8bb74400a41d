package dev.hotstandby.spring;

import dev.hotstandby.junit.PostgresStandbyCluster;
import org.springframework.boot.data.jdbc.test.autoconfigure.DataJdbcTest;

/** See {@link DataJdbcSliceChecks.Replicates}. */
@DataJdbcTest
@PostgresStandbyCluster(standbys = 1)
class DataJdbcSliceReplicationTest extends DataJdbcSliceChecks.Replicates {
}
