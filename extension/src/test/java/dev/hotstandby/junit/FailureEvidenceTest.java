package dev.hotstandby.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** A failed test keeps data and logs and shows the servers' last words; a passing class leaves nothing. */
class FailureEvidenceTest {
    private static final Pattern KEPT = Pattern.compile("data directories and server logs kept in (\\S+)");

    @Test
    void failedTestKeepsDataDirectoriesAndAttachesTheClusterStateAndTheServerLogs() throws IOException {
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of(), FailingCase.class);
        EngineExecutionResults results = run.results();
        results.testEvents().assertStatistics(stats -> stats.failed(1));

        Throwable failure = results.testEvents().failed().stream().findFirst().orElseThrow()
                .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(failure).hasMessageContaining("the standby is not the primary");
        assertThat(failure.getSuppressed()).hasSize(2);
        assertThat(failure.getSuppressed()[0]).isInstanceOf(ClusterAtFailure.class).satisfies(state -> assertThat(state.getMessage())
                .startsWith("the cluster at the failure:\nnode ")
                .containsPattern("(?m)^primary +primary +- +running +1 ")
                .containsPattern("(?m)^standby-0 +standby +primary +streaming +1 "));
        assertThat(failure.getSuppressed()[1]).isInstanceOf(ServerLogs.class).satisfies(logs -> assertThat(logs.getMessage())
                .contains("--- last lines of the server log of primary ---")
                .contains("--- last lines of the server log of standby-0 ---")
                .contains("standby-0: LOG:  started streaming WAL from primary"));

        Matcher kept = KEPT.matcher(run.stderr());
        assertThat(kept.find()).as("location printed on stderr: " + run.stderr()).isTrue();
        Path directory = Path.of(kept.group(1));
        try {
            assertThat(directory.resolve("primary/server.log")).isRegularFile();
            assertThat(directory.resolve("standby-0/data/standby.signal")).exists();
            assertThat(directory.resolve("primary/data/PG_VERSION")).exists();
        } finally {
            EngineRuns.deleteTree(directory);
        }
        assertThat(EngineRuns.runningServers()).isZero();
    }

    @Test
    void passingClassKeepsNothing() {
        EngineRuns.Run run = EngineRuns.capturingStderr(Map.of(), PassingCase.class);
        run.results().testEvents().assertStatistics(stats -> stats.succeeded(1));
        assertThat(run.stderr()).doesNotContain("kept in");
        assertThat(PassingCase.dataDirectory).isNotNull();
        assertThat(Path.of(PassingCase.dataDirectory)).doesNotExist();
        assertThat(EngineRuns.runningServers()).isZero();
    }

    @PostgresStandbyCluster
    static class FailingCase {
        @Test
        void fails(@Standby PostgresNode standby) {
            assertThat(standby.isPrimary()).as("the standby is not the primary").isTrue();
        }
    }

    @PostgresStandbyCluster
    static class PassingCase {
        static String dataDirectory;

        @Test
        void passes(@Primary java.sql.Connection primary) throws Exception {
            try (var statement = primary.createStatement();
                 var rows = statement.executeQuery("SELECT current_setting('data_directory')")) {
                rows.next();
                dataDirectory = rows.getString(1);
            }
        }
    }
}
