package dev.hotstandby.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.junit.PostgresStandbyCluster;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.Event;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** A wrong {@code hotstandby.datasource} fails the context with the property, what it may be and what it was. */
class MisconfigurationTest {

    @Test
    void anUnknownDatasourceModeNamesThePropertyAndItsValues() {
        Event failed = EngineRuns.run(UnknownModeCase.class).testEvents().failed().stream().findFirst().orElseThrow();

        Throwable thrown = failed.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow();
        assertThat(thrown).rootCause()
                .hasMessage("hotstandby.datasource must be primary, multihost or none but was 'sideways'");
    }

    @SpringBootTest(classes = TestApplication.class, properties = "hotstandby.datasource=sideways")
    @PostgresStandbyCluster
    static class UnknownModeCase {
        @Autowired
        DataSource dataSource;

        @Test
        void neverRuns() {
        }
    }
}
