package dev.hotstandby.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;

/** Whether a class's data and logs stay is one option, decided when the cluster closes; an aborted test is no failure. */
class CleanupModeTest {
    private static final Pattern KEPT = Pattern.compile("data directories and server logs kept in (\\S+)");

    @BeforeEach
    @AfterEach
    void reset() {
        dataDirectory = null;
        System.clearProperty(HotstandbyOptions.CLEANUP_PROPERTY);
    }

    static String dataDirectory;

    @Test
    void neverKeepsAPassingClass() throws IOException {
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of(), NeverCase.class);
        run.results().testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        assertKeptAndDelete(run);
    }

    @Test
    void theConfigurationParameterSetsTheDefault() throws IOException {
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of("hotstandby.cleanup", "Never"), DefaultPassingCase.class);
        run.results().testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        assertKeptAndDelete(run);
    }

    @Test
    void theSystemPropertyWinsOverTheConfigurationParameter() {
        System.setProperty(HotstandbyOptions.CLEANUP_PROPERTY, "on_success");
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of("hotstandby.cleanup", "never"), DefaultPassingCase.class);
        run.results().testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        assertRemoved(run);
    }

    @Test
    void alwaysRemovesEvenAfterAFailureAndSaysSoWithTheLogs() {
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of("hotstandby.cleanup", "never"), AlwaysFailingCase.class);
        run.results().testEvents().assertStatistics(stats -> stats.failed(1));
        Throwable failure = run.results().testEvents().failed().stream().findFirst().orElseThrow()
                .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(failure.getSuppressed()).filteredOn(ServerLogs.class::isInstance).singleElement()
                .satisfies(logs -> assertThat(logs.getMessage()).startsWith("hotstandby removes the data directories and server logs when the class finishes"
                        + " (cleanup = ALWAYS); last lines of each node's log:")
                .contains("--- last lines of the server log of primary ---"));
        assertRemoved(run);
    }

    @Test
    void anAbortedTestKeepsNothingAndGetsNoLogs() {
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of(), AbortedCase.class);
        run.results().testEvents().assertStatistics(stats -> stats.aborted(1).failed(0).succeeded(0));
        Throwable abort = run.results().testEvents().aborted().stream().findFirst().orElseThrow()
                .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(abort.getSuppressed()).isEmpty();
        assertRemoved(run);
    }

    @Test
    void anUnknownModeIsRejectedNamingItsSource() {
        EngineRuns.run(Map.of("hotstandby.cleanup", "sometimes"), DefaultPassingCase.class).containerEvents()
                .assertThatEvents().haveExactly(1, event(container(DefaultPassingCase.class),
                        finishedWithFailure(instanceOf(ExtensionConfigurationException.class), message(
                                "@PostgresStandbyCluster on [DefaultPassingCase]: configuration parameter"
                                        + " hotstandby.cleanup must be one of always, on_success, never but was 'sometimes'"))));
        assertThat(EngineRuns.runningServers()).isZero();
    }

    private static void assertKeptAndDelete(EngineRuns.Run run) throws IOException {
        Matcher kept = KEPT.matcher(run.stderr());
        assertThat(kept.find()).as("location printed on stderr: " + run.stderr()).isTrue();
        Path directory = Path.of(kept.group(1));
        try {
            assertThat(dataDirectory).as("the test ran").isNotNull();
            assertThat(directory.resolve("primary/data/PG_VERSION")).isRegularFile();
            assertThat(directory.resolve("primary/server.log")).isRegularFile();
        } finally {
            EngineRuns.deleteTree(directory);
        }
        assertThat(EngineRuns.runningServers()).isZero();
    }

    private static void assertRemoved(EngineRuns.Run run) {
        assertThat(run.stderr()).doesNotContain("kept in");
        assertThat(dataDirectory).as("the test ran and saw its data directory").isNotNull();
        assertThat(Path.of(dataDirectory)).doesNotExist();
        assertThat(EngineRuns.runningServers()).isZero();
    }

    static void recordDataDirectory(Connection primary) throws Exception {
        try (var statement = primary.createStatement();
             var rows = statement.executeQuery("SELECT current_setting('data_directory')")) {
            rows.next();
            dataDirectory = rows.getString(1);
        }
    }

    // ---- test cases run through the engine above; not run on their own ----

    @PostgresStandbyCluster(standbys = 0, cleanup = CleanupMode.NEVER)
    static class NeverCase {
        @Test
        void passes(@Primary Connection primary) throws Exception {
            recordDataDirectory(primary);
        }
    }

    @PostgresStandbyCluster(standbys = 0)
    static class DefaultPassingCase {
        @Test
        void passes(@Primary Connection primary) throws Exception {
            recordDataDirectory(primary);
        }
    }

    /** The annotation's mode wins over the configuration parameter, as with @TempDir. */
    @PostgresStandbyCluster(standbys = 0, cleanup = CleanupMode.ALWAYS)
    static class AlwaysFailingCase {
        @Test
        void fails(@Primary Connection primary) throws Exception {
            recordDataDirectory(primary);
            throw new AssertionError("fails on purpose");
        }
    }

    @PostgresStandbyCluster(standbys = 0)
    static class AbortedCase {
        @Test
        void aborts(@Primary Connection primary) throws Exception {
            recordDataDirectory(primary);
            assumeTrue(false, "not on this machine");
        }
    }
}
