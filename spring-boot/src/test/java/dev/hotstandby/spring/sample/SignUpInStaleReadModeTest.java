package dev.hotstandby.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.hotstandby.junit.CleanupMode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.spring.ReadOnlyRouting;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * {@link SignUpTest} run unchanged in the stale-read mode: its read-your-writes bug fails, saying why,
 * and both fixes pass. The lag is 5 s here so that the bug's read surely comes before the replay even
 * on a slow machine.
 */
class SignUpInStaleReadModeTest {

    @Test
    void theBuggySignUpFailsWithTheHintAndBothFixesPass() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(SignUpTestInStaleReadModeCase.class)).execute();

        List<Event> failed = results.testEvents().failed().list();
        assertThat(failed).singleElement().satisfies(event -> assertThat(event.getTestDescriptor().getDisplayName())
                .isEqualTo("aNewCustomerIsShownAfterSignUp()"));
        Throwable thrown = failed.get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertThat(thrown).hasMessageEndingWith("(Ada) is missing right after it was saved");
        assertThat(thrown.getSuppressed()).extracting(Throwable::getMessage).contains("1 read-only transaction(s) of this"
                + " test ran on standby-0, which replays 5000 ms behind the primary (hotstandby.read-only-routing=standby0,"
                + " hotstandby.replica-lag=5s): a read of this test's own writes may have missed them");
        assertThat(results.testEvents().succeeded().list()).extracting(event -> event.getTestDescriptor().getDisplayName())
                .containsExactlyInAnyOrder("aNewCustomerIsShownAfterSignUpReadInTheWritingTransaction()",
                        "aNewCustomerIsShownAfterSignUpReadOnceReplayed()", "theReadOnceReplayedRanOnTheStandby()");
    }

    /** The same tests, the mode set as a team sets it for some classes; one test more shows where the fixed read ran. */
    @TestPropertySource(properties = {"hotstandby.read-only-routing=standby0", "hotstandby.replica-lag=5s"})
    @PostgresStandbyCluster(shared = true, standbys = 1, database = "shop", username = "shop",
            cleanup = CleanupMode.ALWAYS)   // its first test fails on purpose: no evidence to keep
    static class SignUpTestInStaleReadModeCase extends SignUpTest {
        @Autowired
        ReadOnlyRouting routing;

        @Test
        void theReadOnceReplayedRanOnTheStandby() {
            aNewCustomerIsShownAfterSignUpReadOnceReplayed();

            assertThat(routing.standbyTransactions()).isEqualTo(1);
            assertThat(routing.primaryTransactions()).isEqualTo(2);   // the write and pg_current_wal_lsn()
        }
    }
}
