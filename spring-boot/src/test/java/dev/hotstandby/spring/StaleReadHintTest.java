package dev.hotstandby.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.junit.CleanupMode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.Event;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A failed test is told that its read-only transactions ran on the lagging standby, and only then:
 * the counts start again with each test, so one test's reads do not explain another's failure.
 */
class StaleReadHintTest {

    @Test
    void onlyAFailureAfterReadsOnTheStandbyGetsTheHint() {
        Map<String, Throwable> failures = EngineRuns.run(HintCase.class).testEvents().failed().stream()
                .collect(Collectors.toMap(event -> event.getTestDescriptor().getDisplayName(), StaleReadHintTest::thrown));

        assertThat(failures).containsOnlyKeys("failsAfterTwoReadOnlyTransactions()", "failsAfterPrimaryWorkOnly()");
        assertThat(failures.get("failsAfterTwoReadOnlyTransactions()").getSuppressed()).extracting(Throwable::getMessage)
                .contains("2 read-only transaction(s) of this test ran on standby-0, which replays 200 ms behind the primary"
                        + " (hotstandby.read-only-routing=standby0, hotstandby.replica-lag=200ms): a read of this test's"
                        + " own writes may have missed them");
        assertThat(failures.get("failsAfterPrimaryWorkOnly()").getSuppressed())
                .noneMatch(suppressed -> suppressed instanceof StaleReadHint);
    }

    private static Throwable thrown(Event event) {
        return event.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    @SpringBootTest(classes = TestApplication.class,
            properties = {"hotstandby.read-only-routing=standby0", "hotstandby.replica-lag=200ms"})
    @PostgresStandbyCluster(shared = true, standbys = 1, cleanup = CleanupMode.ALWAYS)   // failing on purpose: no evidence
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class HintCase {
        @Autowired
        JdbcClient jdbc;
        @Autowired
        PlatformTransactionManager transactions;

        @Test
        @Order(1)
        void failsAfterTwoReadOnlyTransactions() {
            TransactionTemplate readOnly = new TransactionTemplate(transactions);
            readOnly.setReadOnly(true);
            readOnly.execute(status -> jdbc.sql("SELECT 1").query(Integer.class).single());
            readOnly.execute(status -> jdbc.sql("SELECT 1").query(Integer.class).single());

            assertThat(false).as("a failure after reads on the standby").isTrue();
        }

        @Test
        @Order(2)
        void failsAfterPrimaryWorkOnly() {
            jdbc.sql("SELECT 1").query(Integer.class).single();

            assertThat(false).as("a failure after work on the primary only").isTrue();
        }
    }
}
