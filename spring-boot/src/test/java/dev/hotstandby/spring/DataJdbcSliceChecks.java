package dev.hotstandby.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.ReplicatedRow;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a {@code @DataJdbcTest} slice on the cluster must show. The annotated classes live in
 * {@code src/test/boot3} and {@code src/test/boot4}: the slice annotation moved to another package
 * in Boot 4, and only they import it.
 */
final class DataJdbcSliceChecks {
    private DataJdbcSliceChecks() {
    }

    /**
     * A test slice keeps the cluster's primary: by default it replaces a DataSource unless it was
     * made for tests, and hotstandby's connection details say they were (so no
     * {@code replace = NONE} is needed). There is no embedded database on this classpath to fall
     * back to. Without standbys: with standby DataSources beside it Boot would not replace it anyway.
     */
    abstract static class KeepsThePrimary {
        @Autowired
        DataSource dataSource;

        @Test
        void theSlicesDataSourceIsTheClustersPrimary() throws Exception {
            assertThat(ServerSeen.through(dataSource).node()).isEqualTo("primary");
        }
    }

    /** A Spring Data JDBC repository in a slice, on a cluster with a standby. */
    abstract static class Replicates {
        @Autowired
        CustomerRows rows;
        @Autowired
        PostgresCluster cluster;

        /** Slices roll each test back; committed, the row replicates. */
        @Test
        @Transactional(propagation = Propagation.NOT_SUPPORTED)
        void aRowSavedThroughARepositoryReachesTheStandby() {
            CustomerRow saved = rows.save(new CustomerRow(null, "Edsger"));

            assertThat(ReplicatedRow.on(cluster.standby(0)).await("SELECT name FROM customer WHERE id = ?", saved.id()))
                    .isEqualTo("Edsger");
        }
    }
}
