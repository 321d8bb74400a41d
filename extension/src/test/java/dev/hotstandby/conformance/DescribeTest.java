package dev.hotstandby.conformance;

import static dev.hotstandby.conformance.Sql.PATIENCE;
import static dev.hotstandby.conformance.Sql.awaitReceived;
import static dev.hotstandby.conformance.Sql.execute;
import static dev.hotstandby.conformance.Sql.flushLsn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * describe() after scripted faults: each row says what the test did to its node (killed, cut, paused,
 * promoted) and what the servers show (role, timeline, lag), read as the table's columns.
 */
@PostgresStandbyCluster(shared = true, standbys = 2)
class DescribeTest {

    @AfterEach
    void declaredStateAgain(PostgresCluster cluster) {
        cluster.refresh();
    }

    @Test
    void theDeclaredStateIsARunningPrimaryAndStandbysStreamingOnTimelineOne(PostgresCluster cluster) {
        cluster.awaitReplication(PATIENCE);

        Map<String, Map<String, String>> rows = rows(cluster.describe());
        assertThat(rows.keySet()).containsExactly("primary", "standby-0", "standby-1");
        assertThat(rows.get("primary")).containsEntry("role", "primary").containsEntry("state", "running")
                .containsEntry("upstream", "-").containsEntry("timeline", "1");
        for (String standby : List.of("standby-0", "standby-1")) {
            assertThat(rows.get(standby)).containsEntry("role", "standby").containsEntry("upstream", "primary")
                    .containsEntry("state", "streaming").containsEntry("timeline", "1").containsEntry("faults", "-")
                    .containsEntry("replay", "-");
            assertThat(rows.get(standby).get("lag")).startsWith("0 B");
        }
    }

    @Test
    void aPausedStandbyShowsReplayPausedAndTheBytesItIsBehind(PostgresCluster cluster) throws Exception {
        PostgresNode paused = cluster.standby(1);
        cluster.pauseReplay(paused);
        execute(cluster.primary(), "CREATE TABLE described (filler text)",
                "INSERT INTO described SELECT repeat('x', 100) FROM generate_series(1, 1000)");
        awaitReceived(paused, flushLsn(cluster.primary()));   // received, not replayed: the lag is replay's

        Map<String, String> row = rows(cluster.describe()).get("standby-1");
        assertThat(row).containsEntry("replay", "paused").containsEntry("state", "streaming");
        assertThat(Long.parseLong(row.get("lag").split(" ")[0])).as(row.get("lag")).isGreaterThan(100_000);
        cluster.resumeReplay(paused);
    }

    @Test
    void aCutStandbyAndAChangedSettingAreNamed(PostgresCluster cluster) {
        cluster.disconnect(cluster.standby(0));
        cluster.set(cluster.standby(1), "work_mem", "8MB");

        Map<String, Map<String, String>> rows = rows(cluster.describe());
        assertThat(rows.get("standby-0")).containsEntry("state", "cut").containsEntry("faults", "link cut");
        assertThat(rows.get("standby-1")).containsEntry("set()", "work_mem=8192").containsEntry("state", "streaming");
        cluster.reconnect(cluster.standby(0));
    }

    @Test
    void afterAKillAndAPromotionTheNewPrimaryIsOnTimelineTwoAndTheOldOneKilled(PostgresCluster cluster) {
        cluster.kill(cluster.primary());
        cluster.promote(cluster.standby(0));

        Map<String, Map<String, String>> rows = rows(cluster.describe());
        assertThat(rows.get("primary")).containsEntry("role", "former primary").containsEntry("state", "killed");
        assertThat(rows.get("standby-0")).containsEntry("role", "primary").containsEntry("upstream", "-")
                .containsEntry("timeline", "2");
        assertThat(rows.get("standby-1")).containsEntry("role", "standby").containsEntry("upstream", "standby-0");
        assertThat(cluster.describeBriefly()).as("the failure message's form").contains("killed")
                .doesNotContain("slots");
    }

    /** Node name to its columns; columns are two or more spaces apart, and no value holds two. */
    private static Map<String, Map<String, String>> rows(String table) {
        List<String> lines = table.lines().toList();
        List<String> header = Arrays.asList(lines.get(0).split(" {2,}"));
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(" {2,}");
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), i < values.length ? values[i] : "");
            }
            rows.put(values[0], row);
        }
        return rows;
    }
}
