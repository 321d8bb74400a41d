package dev.hotstandby.backend.containers;

import static dev.hotstandby.backend.containers.ContainersBackendTest.execute;
import static dev.hotstandby.backend.containers.ContainersBackendTest.labelled;
import static dev.hotstandby.backend.containers.ContainersBackendTest.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ExecInContainerPattern;

/**
 * What a refresh does to the containers themselves: a boot again in place keeps each node's
 * container and mapped port and empties the WAL archive; a shared cluster one of whose containers
 * is gone is discarded whole when it is taken next; a publisher booted again in place still admits its subscribers.
 */
class ContainersRefreshTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @BeforeEach
    void containersCanRun() {
        ContainersAvailable.assumeContainersCanRun();
    }

    @Test
    void aRefreshAfterAPromotionKeepsEveryContainerAndPortAndEmptiesTheArchive() throws Exception {
        try (PostgresCluster cluster = ContainersAvailable.builder().describedAs("ContainersRefreshTest").standbys(2)
                .archiving(true).start()) {
            Map<String, String> containers = containerIds(cluster);
            Map<String, Integer> ports = ports(cluster);
            List<String> archivedByTheFirstPrimary = archiveSegments(cluster.primary(), 3);
            cluster.kill(cluster.primary());
            PostgresNode promoted = cluster.promote(cluster.standby(0));
            execute(promoted, "CREATE TABLE after_promotion (val int)");
            Awaitility.await().atMost(PATIENCE).untilAsserted(() -> assertThat(archiveFiles(cluster)).contains("00000002.history"));

            cluster.refresh();

            assertThat(containerIds(cluster)).as("the same container for every node").isEqualTo(containers);
            assertThat(ports(cluster)).as("the same mapped port for every node").isEqualTo(ports);
            assertThat(single(cluster.primary(), "SELECT pg_is_in_recovery()")).isEqualTo("f");
            archiveSegmentsUpTo(cluster.primary(), archivedByTheFirstPrimary.get(archivedByTheFirstPrimary.size() - 1));
            assertThat(single(cluster.primary(), "SELECT failed_count FROM pg_stat_archiver")).isEqualTo("0");
            // the new primary archived the first one's segment names again, and each is there once
            assertThat(archiveFiles(cluster)).as("nothing of the servers before the refresh")
                    .containsAll(archivedByTheFirstPrimary).doesNotHaveDuplicates()
                    .allMatch(file -> file.startsWith("00000001"));
            execute(cluster.primary(), "CREATE TABLE after_refresh (val int)");
            cluster.awaitReplication();
            for (PostgresNode standby : cluster.standbys()) {
                assertThat(single(standby, "SELECT to_regclass('after_refresh') IS NOT NULL"
                        + " AND to_regclass('after_promotion') IS NULL")).as(standby.name()).isEqualTo("t");
            }
        }
    }

    /** The subscriber network's pg_hba.conf rule was appended to the old data directory; the fresh one needs it too. */
    @Test
    void aPublisherBootedAgainInPlaceStillAdmitsItsSubscribersNetwork() throws Exception {
        try (PostgresCluster publisher = ContainersAvailable.builder().describedAs("publisher").standbys(1).logical(true)
                .start();
             PostgresCluster subscriber = ContainersAvailable.builder().describedAs("subscriber").standbys(0).start()) {
            String table = "CREATE TABLE items (id int PRIMARY KEY)";
            execute(subscriber.primary(), table);
            execute(publisher.primary(), table, "INSERT INTO items VALUES (1)", "CREATE PUBLICATION items_pub FOR TABLE items");
            subscriber.subscribe(publisher, "items_pub", "before_refresh");
            execute(subscriber.primary(), "DROP SUBSCRIPTION before_refresh", "TRUNCATE items");
            publisher.kill(publisher.primary());
            publisher.promote(publisher.standby(0));

            publisher.refresh();

            execute(publisher.primary(), table, "INSERT INTO items VALUES (2)", "CREATE PUBLICATION items_pub FOR TABLE items");
            subscriber.subscribe(publisher, "items_pub", "after_refresh");
            assertThat(single(subscriber.primary(), "SELECT string_agg(id::text, ',') FROM items")).isEqualTo("2");
        }
    }

    @Test
    void aSharedClusterWithAContainerRemovedIsDiscardedWholeOnTheNextTake() throws Exception {
        // a setting of its own: no other test's shared cluster is in this pool
        PostgresCluster.Builder configuration = ContainersAvailable.builder().describedAs("ContainersRefreshTest")
                .standbys(1).setting("work_mem", "5MB").shared(true);
        Map<String, String> broken;
        try (PostgresCluster first = configuration.start()) {
            broken = containerIds(first);
        }
        String brokenCluster = labelsOf(broken.get("primary")).get(Labels.CLUSTER);
        assertThat(labelled(Labels.CLUSTER + "=" + brokenCluster)).as("the first cluster, handed back").isNotEmpty();
        client().removeContainerCmd(broken.get("standby-0")).withForce(true).withRemoveVolumes(true).exec();

        try (PostgresCluster second = configuration.start()) {
            Map<String, String> taken = containerIds(second);
            assertThat(taken.values()).as("containers of another cluster").doesNotContainAnyElementsOf(broken.values());
            assertThat(labelsOf(taken.get("primary")).get(Labels.CLUSTER)).isNotEqualTo(brokenCluster);
            assertThat(labelled(Labels.CLUSTER + "=" + brokenCluster)).as("containers, networks, volumes of the first").isEmpty();
            execute(second.primary(), "CREATE TABLE t (val int)", "INSERT INTO t VALUES (1)");
            second.awaitReplication();
            assertThat(single(second.standby(0), "SELECT count(*) FROM t")).isEqualTo("1");
        } finally {
            PostgresCluster.stopIdleSharedClusters();
        }
    }

    /** Switches the node's WAL {@code segments} times and returns the names it archived, once it has. */
    private static List<String> archiveSegments(PostgresNode primary, int segments) throws Exception {
        List<String> switched = new ArrayList<>();
        while (switched.size() < segments) {
            switched.add(switchAndArchive(primary));
        }
        return switched;
    }

    /** Switches the node's WAL until it has archived the segment {@code name} (on its timeline). */
    private static void archiveSegmentsUpTo(PostgresNode primary, String name) throws Exception {
        while (switchAndArchive(primary).compareTo(name) < 0) {
            // the next one
        }
    }

    private static String switchAndArchive(PostgresNode primary) throws Exception {
        String switched;
        try (Connection connection = primary.superuserDataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS filler (val int); INSERT INTO filler VALUES (1)");
            try (ResultSet rows = statement.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                rows.next();
                switched = rows.getString(1);
            }
        }
        Awaitility.await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                single(primary, "SELECT last_archived_wal >= '" + switched + "' FROM pg_stat_archiver")).isEqualTo("t"));
        return switched;
    }

    /** The names of the files in the archive volume, whatever directory of it they are in. */
    private static List<String> archiveFiles(PostgresCluster cluster) throws Exception {
        String output = ExecInContainerPattern.execInContainer(client(),
                client().inspectContainerCmd(containerIds(cluster).get("primary")).exec(),
                "find", NodeSettings.ARCHIVE, "-type", "f", "-printf", "%f\\n").getStdout();
        return output.lines().filter(line -> !line.isBlank()).toList();
    }

    /** Each node's container, found by the host port it publishes. */
    private static Map<String, String> containerIds(PostgresCluster cluster) {
        List<Container> ours = client().listContainersCmd().withLabelFilter(List.of(Labels.OWNER + "=" + Labels.owner()))
                .exec();
        Map<String, String> ids = new LinkedHashMap<>();
        for (PostgresNode node : cluster.nodes()) {
            List<String> publishing = ours.stream().filter(container -> Arrays.stream(container.getPorts())
                    .anyMatch(port -> port.getPublicPort() != null && port.getPublicPort() == node.port() && isIpv4(port)))
                    .map(Container::getId).toList();
            assertThat(publishing).as("the container publishing " + node.name() + "'s port").hasSize(1);
            ids.put(node.name(), publishing.get(0));
        }
        return ids;
    }

    /**
     * Docker picks a container's IPv4 and IPv6 host ports independently, so another container may
     * publish this node's port number on IPv6; the node's address is the IPv4 one.
     */
    private static boolean isIpv4(com.github.dockerjava.api.model.ContainerPort port) {
        return port.getIp() == null || !port.getIp().contains(":");
    }

    private static Map<String, String> labelsOf(String containerId) {
        return client().inspectContainerCmd(containerId).exec().getConfig().getLabels();
    }

    private static Map<String, Integer> ports(PostgresCluster cluster) {
        return cluster.nodes().stream().collect(Collectors.toMap(PostgresNode::name, PostgresNode::port));
    }

    private static DockerClient client() {
        return DockerClientFactory.instance().client();
    }
}
