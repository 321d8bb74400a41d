package dev.hotstandby.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The running nodes of a default (major 18) cluster really have what configs/ says: each setting
 * comes from the line of postgresql.conf the repository shows, the pg_hba rules come first, and
 * the standby streams with the settings of standby.conf.
 */
class ConfigsAppliedTest {
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().describedAs("ConfigsAppliedTest").standbys(1).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The {@code name = value} lines configs/postgresql.conf adds to the stock file, with their line numbers. */
    record AddedSetting(int line, ConfLine.Setting setting) {
    }

    static List<AddedSetting> addedSettings() {
        List<AddedSetting> settings = new ArrayList<>();
        for (LineDiff.Line line : ConfigFilesDiffTest.diffOf(ConfigFiles.POSTGRESQL_CONF).added()) {
            ConfLine.setting(line.text())
                    .filter(setting -> !setting.isInclude())
                    .ifPresent(setting -> settings.add(new AddedSetting(line.number(), setting)));
        }
        return settings;
    }

    @TestFactory
    Stream<DynamicTest> everySettingConfigsPostgresqlConfAddsIsInEffectFromItsLine() {
        List<AddedSetting> settings = addedSettings();
        assertThat(settings).as("settings added by configs/postgresql.conf (none found: the test would prove nothing)")
                .extracting(added -> added.setting().name())
                .contains("wal_level", "hot_standby", "max_wal_senders");

        return cluster.nodes().stream().flatMap(node -> settings.stream().map(added -> dynamicTest(
                node.name() + ": " + added.setting().name() + " = " + added.setting().value()
                        + " from configs/postgresql.conf:" + added.line(),
                () -> assertSettingFromLine(node, added))));
    }

    private static void assertSettingFromLine(PostgresNode node, AddedSetting added) throws SQLException {
        String name = added.setting().name();
        Map<String, String> row = row(node,
                "select setting, unit, sourcefile, sourceline, current_setting(name) as current"
                        + " from pg_settings where name = ?", name);

        assertThat(row).as("%s: pg_settings has no row for %s (a misspelt name in configs/postgresql.conf?)",
                node.name(), name).isNotNull();
        assertThat(row.get("sourcefile"))
                .as("%s: %s should be set in postgresql.conf, not overridden elsewhere", node.name(), name)
                .endsWith("/postgresql.conf");
        assertThat(row.get("sourceline"))
                .as("%s: %s should come from the line configs/postgresql.conf shows it on (later lines win)",
                        node.name(), name)
                .isEqualTo(String.valueOf(added.line()));
        assertThat(row.get("current"))
                .as("%s: current_setting('%s') (pg_settings: setting %s, unit %s)", node.name(), name,
                        row.get("setting"), row.get("unit"))
                .isEqualTo(added.setting().value());
    }

    @Test
    void eachNodesPostgresqlConfIsConfigsPostgresqlConf() throws SQLException {
        String expected = ConfigFilesDiffTest.repoFile("configs/postgresql.conf");
        for (PostgresNode node : cluster.nodes()) {
            assertThat(value(node, "select pg_read_file('postgresql.conf')"))
                    .as("%s's postgresql.conf: for the default major 18, initdb writes stock-configs/postgresql.conf"
                            + " and hotstandby inserts the block, so the result must be configs/postgresql.conf",
                            node.name())
                    .isEqualTo(expected);
        }
    }

    @Test
    void eachNodesPgHbaConfIsConfigsPgHbaConf() throws SQLException {
        String expected = ConfigFilesDiffTest.repoFile("configs/pg_hba.conf");
        for (PostgresNode node : cluster.nodes()) {
            assertThat(value(node, "select pg_read_file('pg_hba.conf')"))
                    .as("%s's pg_hba.conf must be configs/pg_hba.conf", node.name())
                    .isEqualTo(expected);
        }
    }

    @Test
    void primarysFirstHbaRulesAreTheFourScramRulesConfigsAdds() throws SQLException {
        List<LineDiff.Line> addedRules = ConfigFilesDiffTest.diffOf(ConfigFiles.PG_HBA_CONF).added().stream()
                .filter(line -> line.text().startsWith("host"))
                .toList();
        List<Map<String, String>> rules = rows(cluster.primary(),
                "select line_number, type, database, user_name, address, auth_method, error"
                        + " from pg_hba_file_rules order by line_number");

        assertThat(rules).as("pg_hba_file_rules of the primary").hasSizeGreaterThan(4);
        assertThat(rules).as("pg_hba.conf rules the primary could not parse")
                .filteredOn(rule -> rule.get("error") != null).isEmpty();
        assertThat(rules.subList(0, 4))
                .as("the first four rules (the first match wins) must be configs/pg_hba.conf's scram-sha-256 rules")
                .containsExactly(
                        hostRule(addedRules.get(0).number(), "{all}", "127.0.0.1"),
                        hostRule(addedRules.get(1).number(), "{all}", "::1"),
                        hostRule(addedRules.get(2).number(), "{replication}", "127.0.0.1"),
                        hostRule(addedRules.get(3).number(), "{replication}", "::1"));
    }

    private static Map<String, String> hostRule(int line, String database, String address) {
        Map<String, String> rule = new LinkedHashMap<>();
        rule.put("line_number", String.valueOf(line));
        rule.put("type", "host");
        rule.put("database", database);
        rule.put("user_name", "{all}");
        rule.put("address", address);
        rule.put("auth_method", "scram-sha-256");
        rule.put("error", null);
        return rule;
    }

    @Test
    void standbyTakesPrimaryConninfoAndTimelineFromStandbyConf() throws SQLException {
        PostgresNode standby = cluster.standby(0);
        List<String> template = LineDiff.lines(ConfigFilesDiffTest.repoFile("configs/standby.conf"));

        for (String name : List.of("primary_conninfo", "recovery_target_timeline")) {
            Map<String, String> row = row(standby,
                    "select setting, sourcefile, sourceline from pg_settings where name = ?", name);
            assertThat(row.get("sourcefile")).as("standby-0: where %s is set", name).endsWith("/standby.conf");
            assertThat(row.get("sourceline")).as("standby-0: line of %s in standby.conf", name)
                    .isEqualTo(String.valueOf(lineNumberOf(template, name)));
        }
        assertThat(value(standby, "select setting from pg_settings where name = 'primary_conninfo'"))
                .as("standby-0's primary_conninfo must name it, so pg_stat_replication and"
                        + " synchronous_standby_names can tell the standbys apart")
                .contains("application_name=standby-0");
        assertThat(value(standby, "select current_setting('recovery_target_timeline')")).isEqualTo("latest");
    }

    @Test
    void standbysStandbyConfIsConfigsStandbyConfWithItsPlaceholdersFilledIn() throws SQLException {
        PostgresNode primary = cluster.primary();
        // the standby dials its upstream through the test JVM's relay of that link, beside the servers' sockets
        String relay = java.nio.file.Path.of(value(primary, "select current_setting('unix_socket_directories')"))
                .resolveSibling("r").resolve("standby-0").toString();
        String expected = ConfigFilesDiffTest.repoFile("configs/standby.conf")
                .replace("{{primary_host}}", relay)
                .replace("{{primary_port}}", String.valueOf(primary.port()))
                .replace("{{user}}", primary.username())
                .replace("{{name}}", "standby-0")
                .replace("{{dbname}}", "");   // only logical = true on 17+ names a database

        assertThat(value(cluster.standby(0), "select pg_read_file('standby.conf')"))
                .as("standby-0's standby.conf, rendered from configs/standby.conf")
                .isEqualTo(expected);
    }

    @Test
    void standbysWalReceiverIsStreaming() throws SQLException {
        assertThat(value(cluster.standby(0), "select status from pg_stat_wal_receiver"))
                .as("standby-0's WAL receiver").isEqualTo("streaming");
    }

    @Test
    void onlyTheStandbyIsInRecovery() throws SQLException {
        assertThat(value(cluster.primary(), "select pg_is_in_recovery()")).as("primary in recovery").isEqualTo("f");
        assertThat(value(cluster.standby(0), "select pg_is_in_recovery()")).as("standby-0 in recovery").isEqualTo("t");
    }

    @Test
    void clusterNameIsEachNodesNameFromNodeConf() throws SQLException {
        for (PostgresNode node : cluster.nodes()) {
            Map<String, String> row = row(node,
                    "select setting, sourcefile from pg_settings where name = 'cluster_name'");
            assertThat(row.get("setting")).as("cluster_name of %s", node.name()).isEqualTo(node.name());
            assertThat(row.get("sourcefile")).as("where %s's cluster_name is set", node.name())
                    .endsWith("/node.conf");
        }
        assertThat(cluster.nodes()).extracting(PostgresNode::name).containsExactly("primary", "standby-0");
    }

    private static int lineNumberOf(List<String> lines, String settingName) {
        for (int i = 0; i < lines.size(); i++) {
            if (ConfLine.setting(lines.get(i)).filter(s -> s.name().equals(settingName)).isPresent()) {
                return i + 1;
            }
        }
        throw new AssertionError(settingName + " is not set in configs/standby.conf");
    }

    private static String value(PostgresNode node, String sql, Object... parameters) throws SQLException {
        Map<String, String> row = row(node, sql, parameters);
        return row == null ? null : row.values().iterator().next();
    }

    private static Map<String, String> row(PostgresNode node, String sql, Object... parameters) throws SQLException {
        List<Map<String, String>> rows = rows(node, sql, parameters);
        assertThat(rows).as("%s: %s returns at most one row", node.name(), sql).hasSizeLessThanOrEqualTo(1);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static List<Map<String, String>> rows(PostgresNode node, String sql, Object... parameters)
            throws SQLException {
        try (Connection connection = node.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet results = statement.executeQuery()) {
                ResultSetMetaData meta = results.getMetaData();
                List<Map<String, String>> rows = new ArrayList<>();
                while (results.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int column = 1; column <= meta.getColumnCount(); column++) {
                        row.put(meta.getColumnLabel(column), results.getString(column));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }
}
