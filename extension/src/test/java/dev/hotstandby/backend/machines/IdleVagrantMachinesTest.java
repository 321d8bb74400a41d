package dev.hotstandby.backend.machines;

import static dev.hotstandby.backend.machines.VagrantBackendTest.execute;
import static dev.hotstandby.backend.machines.VagrantBackendTest.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A closed cluster's Vagrant machines serve this JVM's next cluster, of another configuration and
 * fewer machines, with servers made afresh: a file left on each machine tells the machines are the
 * same, the next cluster's catalog that its data is not the last one's.
 */
class IdleVagrantMachinesTest {
    private static final String MARK = "/tmp/hotstandby-idle-machines-test";

    @BeforeEach
    void vagrantCanRun() {
        VagrantAvailable.assumeVagrantCanRun();
        System.setProperty(IdleVagrantMachines.PROPERTY, "true");
    }

    @AfterEach
    void machinesDestroyedWithTheirClusterAgain() {
        System.clearProperty(IdleVagrantMachines.PROPERTY);
    }

    @Test
    void aClosedClustersMachinesServeTheNextClusterAfresh() throws Exception {
        String run = UUID.randomUUID().toString();
        try (PostgresCluster first = VagrantAvailable.builder().standbys(2).start()) {
            for (PostgresNode node : first.nodes()) {
                execute(node, "COPY (SELECT '" + node.name() + " " + run + "') TO '" + MARK + "'");
            }
            execute(first.primary(), "CREATE TABLE of_the_first_cluster (val int)");
        }
        try (PostgresCluster next = VagrantAvailable.builder().standbys(1).synchronous(true).start()) {
            PostgresNode primary = next.primary();
            PostgresNode standby = next.standby(0);
            assertThat(single(primary, "SELECT pg_read_file('" + MARK + "')")).as("the first cluster's primary machine")
                    .isEqualTo("primary " + run + "\n");
            assertThat(single(standby, "SELECT pg_read_file('" + MARK + "')")).as("the first cluster's standby-0 machine")
                    .isEqualTo("standby-0 " + run + "\n");
            assertThat(single(primary, "SELECT to_regclass('of_the_first_cluster') IS NULL"))
                    .as("a server made afresh, not the first cluster's").isEqualTo("t");

            execute(primary, "CREATE TABLE tab (val int)", "INSERT INTO tab VALUES (1)");
            next.awaitReplication();
            assertThat(single(standby, "SELECT val FROM tab")).isEqualTo("1");
            assertThat(single(primary, "SELECT string_agg(application_name || ' ' || sync_state, ',') FROM pg_stat_replication"))
                    .as("this cluster's configuration, on the first cluster's machines").isEqualTo("standby-0 sync");
        }
    }
}
