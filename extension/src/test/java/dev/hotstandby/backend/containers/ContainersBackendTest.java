package dev.hotstandby.backend.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/** A real containers cluster: streaming, replicated reads, a read-only standby, and nothing left afterwards. */
class ContainersBackendTest {

    @BeforeEach
    void containersCanRun() {
        ContainersAvailable.assumeContainersCanRun();
    }

    @Test
    void standbyStreamsOverTheDockerNetworkAndNothingRemainsAfterClose() throws Exception {
        try (PostgresCluster cluster = ContainersAvailable.builder().standbys(1).start()) {
            PostgresNode primary = cluster.primary();
            PostgresNode standby = cluster.standby(0);
            assertThat(primary.host()).isIn("localhost", "127.0.0.1");
            assertThat(standby.port()).isNotEqualTo(primary.port());

            assertThat(single(primary, "SELECT application_name || ' ' || state || ' ' || sync_state FROM pg_stat_replication"))
                    .isEqualTo("standby-0 streaming async");
            assertThat(single(primary, "SELECT current_setting('cluster_name')")).isEqualTo("primary");
            assertThat(single(standby, "SELECT current_setting('cluster_name')")).isEqualTo("standby-0");
            assertThat(single(standby, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(single(standby, "SELECT status FROM pg_stat_wal_receiver")).isEqualTo("streaming");

            execute(primary, "CREATE TABLE tab (val int)", "INSERT INTO tab VALUES (42)");
            cluster.awaitReplication();
            assertThat(single(standby, "SELECT val FROM tab")).isEqualTo("42");

            assertThatThrownBy(() -> execute(standby, "INSERT INTO tab VALUES (43)"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));

            assertThat(labelled("dev.hotstandby.cluster")).as("while the cluster runs").isNotEmpty();
        }
        assertThat(labelled(Labels.OWNER + "=" + Labels.owner())).as("containers, networks, volumes after close").isEmpty();
    }

    @Test
    void repositoryConfigsAndTheNetworkRuleAreWhatTheServersRun() throws Exception {
        try (PostgresCluster cluster = ContainersAvailable.builder().standbys(1).start()) {
            for (PostgresNode node : cluster.nodes()) {
                // from configs/postgresql.conf (the stock file sets none of these)
                assertThat(single(node, "SELECT setting FROM pg_settings WHERE name = 'wal_retrieve_retry_interval'"))
                        .isEqualTo("100");
                assertThat(single(node, "SELECT setting FROM pg_settings WHERE name = 'password_encryption'"))
                        .isEqualTo("scram-sha-256");
                // node.conf: listen on the container's interfaces, not only the repository's loopback
                assertThat(single(node, "SELECT setting || ' ' || (sourcefile LIKE '%node.conf') FROM pg_settings"
                        + " WHERE name = 'listen_addresses'")).isEqualTo("* true");
                // the repository's loopback rules, then the network's, and never the image's catch-all
                assertThat(single(node, "SELECT string_agg(array_to_string(address_list, ''), ',' ORDER BY line_number)"
                        + " FROM (SELECT line_number, ARRAY[coalesce(address, '-') || '/' || auth_method] AS address_list"
                        + " FROM pg_hba_file_rules WHERE type = 'host') rules"))
                        .startsWith("127.0.0.1/scram-sha-256,::1/scram-sha-256")
                        .doesNotContain("all/");
                assertThat(single(node, "SELECT count(*) FROM pg_hba_file_rules WHERE type = 'host' AND address = 'all'"))
                        .isEqualTo("0");
            }
            assertThat(single(cluster.standby(0), "SELECT sourcefile LIKE '%standby.conf' FROM pg_settings"
                    + " WHERE name = 'primary_conninfo'")).isEqualTo("t");
        }
    }

    @Test
    void failedClassKeepsEachContainersLogThenRemovesTheContainers() throws Exception {
        Path kept = null;
        try {
            PostgresCluster cluster = ContainersAvailable.builder().standbys(1).start();
            cluster.keepEvidenceOnClose();
            assertThat(cluster.serverLogTails(200)).contains("standby-0: LOG:  started streaming WAL from primary");
            java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
            java.io.PrintStream original = System.err;
            System.setErr(new java.io.PrintStream(stderr, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                cluster.close();
            } finally {
                System.setErr(original);
            }
            java.util.regex.Matcher where = java.util.regex.Pattern.compile("kept in (\\S+)").matcher(stderr.toString());
            assertThat(where.find()).as(stderr.toString()).isTrue();
            kept = Path.of(where.group(1));
            assertThat(Files.readString(kept.resolve("primary/server.log"))).contains("primary: LOG:  database system is ready");
            assertThat(Files.readString(kept.resolve("standby-0/server.log"))).contains("started streaming WAL");
            assertThat(Files.readString(kept.resolve("standby-0/data/standby.conf"))).contains("application_name=standby-0");
            assertThat(kept.resolve("primary/data/pg_hba.conf")).isRegularFile();
            assertThat(cluster.primary().logTail(5)).isNotEmpty();
            assertThat(labelled(Labels.OWNER + "=" + Labels.owner())).isEmpty();
        } finally {
            deleteTree(kept);
        }
    }

    /**
     * The subscriber's containers join the publisher's subscriber network: their mapped ports stay
     * (the network is internal, so it never takes their default gateway), the subscription streams,
     * and a publisher closed first takes its network away from under the still running subscriber.
     */
    @Test
    void aSubscriberKeepsItsPortsAndThePublisherClosedFirstLeavesNothing() throws Exception {
        PostgresCluster publisher = ContainersAvailable.builder().describedAs("publisher").standbys(0).logical(true).start();
        try (PostgresCluster subscriber = ContainersAvailable.builder().describedAs("subscriber").standbys(1).start()) {
            List<Integer> portsBefore = subscriber.nodes().stream().map(PostgresNode::port).toList();
            try {
                execute(publisher.primary(), "CREATE TABLE items (id int PRIMARY KEY)", "INSERT INTO items VALUES (1)",
                        "CREATE PUBLICATION items_pub FOR TABLE items");
                execute(subscriber.primary(), "CREATE TABLE items (id int PRIMARY KEY)");
                String rules = "SELECT count(*) FROM pg_hba_file_rules WHERE type = 'host'";
                String rulesBefore = single(publisher.primary(), rules);
                subscriber.subscribe(publisher, "items_pub", "items_sub");
                assertThat(single(subscriber.primary(), "SELECT count(*) FROM items")).isEqualTo("1");
                assertThat(Integer.parseInt(single(publisher.primary(), rules))).as("the subscriber network's rule")
                        .isEqualTo(Integer.parseInt(rulesBefore) + 1);
                execute(subscriber.primary(), "DROP SUBSCRIPTION items_sub");
            } finally {
                publisher.close();
            }
            assertThat(labelled(Labels.OWNER + "=" + Labels.owner())).as("only the subscriber's containers and networks")
                    .hasSize(subscriber.nodes().size() + 2);
            assertThat(subscriber.nodes().stream().map(PostgresNode::port).toList()).isEqualTo(portsBefore);
            execute(subscriber.primary(), "INSERT INTO items VALUES (2)");
            subscriber.awaitReplication();
            assertThat(single(subscriber.standby(0), "SELECT count(*) FROM items")).isEqualTo("2");
        }
        assertThat(labelled(Labels.OWNER + "=" + Labels.owner())).isEmpty();
    }

    /** Containers, networks and volumes whose labels match {@code filter} ("key" or "key=value"). */
    @Test
    void aFormerPrimaryRejoinsByPgRewindInsideItsContainer() throws Exception {
        try (PostgresCluster cluster = ContainersAvailable.builder().standbys(1).archiving(true).start()) {
            PostgresNode formerPrimary = cluster.primary();
            execute(formerPrimary, "CREATE TABLE t (val int)", "INSERT INTO t VALUES (1)");
            cluster.awaitReplication();
            cluster.stop(formerPrimary);
            PostgresNode promoted = cluster.promote(cluster.standby(0));
            execute(promoted, "INSERT INTO t VALUES (2)");

            cluster.rejoin(formerPrimary);

            assertThat(single(formerPrimary, "SELECT pg_read_file('backup_label.old')")).contains("BACKUP METHOD: pg_rewind");
            assertThat(String.join("\n", formerPrimary.logTail(300)))
                    .contains("hotstandby: pg_rewind of primary from standby-0 (--target-pgdata=")
                    .contains("--restore-target-wal) rewound it");
            execute(promoted, "INSERT INTO t VALUES (3)");
            cluster.awaitReplication();
            assertThat(single(formerPrimary, "SELECT string_agg(val::text, ',' ORDER BY val) FROM t")).isEqualTo("1,2,3");
        }
    }

    @Test
    void anUnknownSettingNameFailsBeforeAnyNodeContainerWithTheNearestNames() {
        String thisJvm = Labels.OWNER + "=" + Labels.owner();
        List<String> before = labelled(thisJvm);
        // the configuration exception, not the server's log line of a start: the name was checked before it
        assertThatThrownBy(() -> ContainersAvailable.builder().standbys(1).setting("max_conections", "200").start())
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessageContaining("\"max_conections\" is not a parameter of PostgreSQL")
                .hasMessageContaining("(postgres --describe-config of image ")
                .hasMessageEndingWith("did you mean \"max_connections\"?");
        assertThat(labelled(thisJvm)).as("this JVM's containers, networks, volumes").isEqualTo(before);
    }

    static List<String> labelled(String filter) {
        DockerClient client = DockerClientFactory.instance().client();
        Stream<String> containers = client.listContainersCmd().withShowAll(true).withLabelFilter(List.of(filter)).exec()
                .stream().map(container -> "container " + String.join(",", container.getNames()));
        Stream<String> networks = client.listNetworksCmd().withFilter("label", List.of(filter)).exec().stream()
                .map(network -> "network " + network.getName());
        var volumes = client.listVolumesCmd().withFilter("label", List.of(filter)).exec().getVolumes();
        Stream<String> volumeNames = volumes == null ? Stream.empty() : volumes.stream().map(volume -> "volume " + volume.getName());
        return Stream.of(containers, networks, volumeNames).flatMap(s -> s).toList();
    }

    static String single(PostgresNode node, String sql) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    static void execute(PostgresNode node, String... sql) throws SQLException {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }

    private static void deleteTree(Path root) throws Exception {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
