package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ReplicationOptions;
import dev.hotstandby.engine.ParameterCatalog;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The catalog of the binaries the local backend resolves, without starting a server. */
class DescribeConfigTest {

    @Test
    void theResolvedBinariesKnowTheirParametersAndSuggestNearMisses() {
        ClusterSpec spec = ClusterSpec.of("DescribeConfigTest", 0, "", Backend.LOCAL, ReplicationOptions.ASYNCHRONOUS,
                Duration.ofSeconds(60), System.getProperties());
        PostgresBinaries binaries = new BinariesResolver(Workspace.get()).resolve(spec);
        ParameterCatalog catalog = DescribeConfig.catalog(binaries);

        assertThat(catalog.context("shared_buffers")).hasValue("postmaster");
        assertThat(catalog.context("work_mem")).hasValue("user");
        assertThat(catalog.context("max_standby_streaming_delay")).hasValue("sighup");
        assertThat(catalog.unknown("application_name")).isEmpty();
        assertThat(catalog.unknown("work_men")).hasValue("\"work_men\" is not a parameter of PostgreSQL " + binaries.major()
                + " (" + binaries.origin() + "); did you mean \"work_mem\"?");
        assertThat(DescribeConfig.catalog(binaries)).as("cached per build").isSameAs(catalog);
    }
}
