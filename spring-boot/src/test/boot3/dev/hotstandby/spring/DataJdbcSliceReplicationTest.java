package dev.hotstandby.spring;

import dev.hotstandby.junit.PostgresStandbyCluster;
import org.springframework.boot.test.autoconfigure.data.jdbc.DataJdbcTest;

/** See {@link DataJdbcSliceChecks.Replicates}. */
@DataJdbcTest
@PostgresStandbyCluster(standbys = 1)
class DataJdbcSliceReplicationTest extends DataJdbcSliceChecks.Replicates {
}
