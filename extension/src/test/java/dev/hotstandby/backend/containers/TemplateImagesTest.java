package dev.hotstandby.backend.containers;

import static dev.hotstandby.backend.containers.ContainersBackendTest.execute;
import static dev.hotstandby.backend.containers.ContainersBackendTest.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.PostgresCluster;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The template image every node starts from: kept after the cluster, found again by the next one,
 * without the labels teardown and the reaper act on and without a password; a builder container
 * left by a dead JVM is reaped.
 */
class TemplateImagesTest {
    /** Only once the gate passed: Testcontainers' client starts Ryuk, which cannot run where the gate skips. */
    private DockerClient client;

    @BeforeEach
    void containersCanRun() {
        ContainersAvailable.assumeContainersCanRun();
        client = DockerClientFactory.instance().client();
    }

    @Test
    void everyNodeStartsFromOneKeptTemplateWhichGrantsNoAccessOfItsOwn() throws Exception {
        String firstId;
        try (PostgresCluster cluster = ContainersAvailable.builder().standbys(1).start()) {
            firstId = single(cluster.primary(), "SELECT system_identifier FROM pg_control_system()");
            // a cold copy of the same template: the same system identifier, and it streams
            assertThat(single(cluster.standby(0), "SELECT system_identifier FROM pg_control_system()")).isEqualTo(firstId);
            assertThat(single(cluster.standby(0), "SELECT status FROM pg_stat_wal_receiver")).isEqualTo("streaming");
            execute(cluster.primary(), "CREATE TABLE t (v int)", "INSERT INTO t VALUES (7)");
            cluster.awaitReplication();
            assertThat(single(cluster.standby(0), "SELECT v FROM t")).isEqualTo("7");
            // the cluster's own password, set at its start: the template has none
            assertThat(single(cluster.primary(), "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid"
                    + " WHERE rolname = current_user")).isEqualTo("t");
            for (Container node : client.listContainersCmd().withLabelFilter(List.of(Labels.OWNER + "=" + Labels.owner())).exec()) {
                assertThat(node.getImage()).startsWith(TemplateImages.REPOSITORY + ":");
            }
        }
        List<Image> templates = client.listImagesCmd().withLabelFilter(TemplateImages.KEY).exec();
        assertThat(templates).as("template images kept after the cluster").isNotEmpty();
        for (Image template : templates) {
            InspectImageResponse image = client.inspectImageCmd(template.getId()).exec();
            Map<String, String> labels = image.getConfig().getLabels();
            assertThat(labels).doesNotContainKey(Labels.OWNER).doesNotContainKey(Labels.CLUSTER);
            assertThat(labels).containsEntry(Labels.BUILDER, "").containsKey(TemplateImages.BASE_ID);
            assertThat(Arrays.asList(image.getConfig().getEnv())).noneMatch(variable -> variable.startsWith("POSTGRES_PASSWORD="))
                    .noneMatch(variable -> variable.startsWith("PGPASSWORD="));
        }
        assertThat(client.listContainersCmd().withShowAll(true).withNameFilter(List.of(TemplateImages.BUILDER_PREFIX)).exec())
                .as("template builders left").isEmpty();

        try (PostgresCluster next = ContainersAvailable.builder().standbys(0).start()) {
            // another copy of the same template, so the same identifier: nothing was made anew
            assertThat(single(next.primary(), "SELECT system_identifier FROM pg_control_system()")).isEqualTo(firstId);
        }
    }

    @Test
    void anImageOfAnotherMajorFailsWhileTheTemplateIsMadeAndLeavesNothing() {
        ClusterSpec spec = ContainersAvailable.builder().spec();
        int other = spec.major() == 16 ? 17 : 16;
        TemplateBuild build = new TemplateBuild(client, PostgresImage.of(spec), other, NodeContainers.contract(spec));
        assertThatThrownBy(() -> build.run(TemplateImages.REPOSITORY, "wrong-major-test", Map.of(), TemplateImages.nodeConf(),
                System.nanoTime() + spec.startTimeout().toNanos()))
                .isInstanceOf(ClusterStartException.class)
                .hasMessageContaining("runs PostgreSQL " + spec.major() + ", but the cluster asks for " + other)
                .hasMessageContaining("set version = \"" + spec.major() + "\"");
        assertThat(client.listContainersCmd().withShowAll(true).withNameFilter(List.of(TemplateImages.BUILDER_PREFIX)).exec())
                .as("template builders left").isEmpty();
        assertThat(client.listImagesCmd().withImageNameFilter(TemplateImages.REPOSITORY + ":wrong-major-test").exec())
                .as("a template for the wrong major").isEmpty();
    }

    @Test
    void aBuilderContainerOfAJvmThatIsGoneIsReaped() throws Exception {
        String image = client.listImagesCmd().withLabelFilter(TemplateImages.KEY).exec().stream()
                .findFirst().map(Image::getId).orElse(null);
        if (image == null) {
            try (PostgresCluster ignored = ContainersAvailable.builder().standbys(0).start()) {
                image = client.listImagesCmd().withLabelFilter(TemplateImages.KEY).exec().get(0).getId();
            }
        }
        String hostLabel = Labels.forTemplateBuilder().get(Labels.BUILDER_HOST);
        // pid 1 runs, but did not start at millisecond 1: a JVM that is gone
        String dead = client.createContainerCmd(image).withName(TemplateImages.BUILDER_PREFIX + "reapertest")
                .withEntrypoint("true").withLabels(Map.of(Labels.BUILDER, "1-1", Labels.BUILDER_HOST, hostLabel)).exec().getId();
        String alive = client.createContainerCmd(image).withName(TemplateImages.BUILDER_PREFIX + "reapertest-alive")
                .withEntrypoint("true").withLabels(Labels.forTemplateBuilder()).exec().getId();
        try {
            StaleContainerReaper.reap(client);
            List<String> left = client.listContainersCmd().withShowAll(true).withNameFilter(List.of(TemplateImages.BUILDER_PREFIX))
                    .exec().stream().map(Container::getId).toList();
            assertThat(left).doesNotContain(dead).contains(alive);
        } finally {
            for (String id : List.of(dead, alive)) {
                try {
                    client.removeContainerCmd(id).withForce(true).exec();
                } catch (RuntimeException gone) {
                    // reaped
                }
            }
        }
    }
}
