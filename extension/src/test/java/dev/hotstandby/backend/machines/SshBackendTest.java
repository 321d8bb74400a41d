package dev.hotstandby.backend.machines;

import static dev.hotstandby.backend.machines.VagrantBackendTest.execute;
import static dev.hotstandby.backend.machines.VagrantBackendTest.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.SshHosts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Backend#SSH} against hosts this test starts (sshd containers on a network of their own):
 * provisioning, streaming between the hosts' own addresses, failover, and the hosts left as they
 * were found; wrong host keys and wrong host counts are refused before anything is started.
 */
class SshBackendTest {
    private static SshdHosts hosts;

    @BeforeAll
    static void startHosts() throws Exception {
        if (SshdHosts.canRun()) {
            hosts = SshdHosts.start(2);
        }
    }

    @BeforeEach
    void hostsCanRun() {
        SshdHosts.assumeTheyCanRun();
    }

    @AfterAll
    static void stopHosts() {
        if (hosts != null) {
            hosts.close();
        }
    }

    private static PostgresCluster.Builder builder(SshHosts sshHosts) {
        return PostgresCluster.builder().backend(Backend.SSH).hosts(sshHosts)
                .version(System.getProperty("hotstandby.version", "15"));
    }

    @Test
    void existingHostsRunTheClusterAndAreLeftAsTheyWere() throws Exception {
        SshHosts sshHosts = hosts.sshHosts();
        try (PostgresCluster cluster = builder(sshHosts).standbys(1).start()) {
            PostgresNode primary = cluster.primary();
            PostgresNode standby = cluster.standby(0);
            assertThat(single(primary, "SELECT application_name || ' ' || state || ' ' || host(client_addr)"
                    + " FROM pg_stat_replication")).isEqualTo("standby-0 streaming " + sshHosts.hosts().get(1).address());
            execute(primary, "CREATE TABLE tab (val int)", "INSERT INTO tab VALUES (1)");
            cluster.awaitReplication();
            assertThat(single(standby, "SELECT val FROM tab")).isEqualTo("1");

            cluster.stop(primary);
            cluster.promote(standby);
            execute(standby, "INSERT INTO tab VALUES (2)");
            cluster.rejoin(primary);
            cluster.awaitReplication();
            assertThat(single(primary, "SELECT count(*) FROM tab")).isEqualTo("2");
            assertThat(single(primary, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(single(primary, "SELECT pg_read_file('backup_label.old')")).contains("BACKUP METHOD: pg_rewind");

            // a cap shapes both ends of the rejoined node's link; close removes it with the rest
            cluster.limitLink(primary, 1_000_000);
            for (int i = 0; i < 2; i++) {
                assertThat(hosts.exec(i, "sh", "-c", SshdHosts.SHAPING).strip()).as("host %d: tc class and HTB root", i)
                        .isEqualTo("1 1");
            }
        }
        for (int i = 0; i < 2; i++) {
            assertThat(hosts.exec(i, "sh", "-c", SshdHosts.SHAPING).strip()).as("host %d: tc classes and roots", i)
                    .isEqualTo("0 0");
            assertThat(hosts.exec(i, "sh", "-c", "ls -d /var/tmp/hotstandby-* 2>/dev/null || true")).as("run directories").isBlank();
            assertThat(hosts.exec(i, "sh", "-c", "pgrep -u postgres postgres || true")).as("servers").isBlank();
        }
    }

    @Test
    void aFailedClusterKeepsEachNodesLogAndConfigsOnTheTestMachine() throws Exception {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream original = System.err;
        Path kept = null;
        try {
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            try {
                PostgresCluster cluster = builder(hosts.sshHosts()).standbys(1).start();
                cluster.keepEvidenceOnClose();
                cluster.close();
            } finally {
                System.setErr(original);
            }
            Matcher where = Pattern.compile("logs and configs in (\\S+),").matcher(stderr.toString(StandardCharsets.UTF_8));
            assertThat(where.find()).as(stderr.toString(StandardCharsets.UTF_8)).isTrue();
            kept = Path.of(where.group(1));
            assertThat(Files.readString(kept.resolve("primary/server.log"))).contains("database system is ready to accept connections");
            assertThat(Files.readString(kept.resolve("standby-0/data/standby.conf"))).contains("application_name=standby-0");
            assertThat(kept.resolve("primary/data/pg_hba.conf.stock")).isRegularFile();
        } finally {
            if (kept != null) {
                try (var paths = Files.walk(kept)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
            // the kept run directories on the hosts, so the other tests find the hosts as they were
            for (int i = 0; i < 2; i++) {
                hosts.exec(i, "sh", "-c", "rm -rf /var/tmp/hotstandby-*");
            }
        }
    }

    @Test
    void anUnknownSettingNameFailsWithTheNearestNamesBeforeAnyRunDirectory() throws Exception {
        // the configuration exception, not a start's failure with the server's log line
        assertThatThrownBy(() -> builder(hosts.sshHosts()).standbys(1).setting("max_conections", "200").start())
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessageContaining("\"max_conections\" is not a parameter of PostgreSQL")
                .hasMessageContaining("postgres --describe-config of /usr/lib/postgresql/")
                .hasMessageEndingWith("did you mean \"max_connections\"?");
        for (int i = 0; i < 2; i++) {
            assertThat(hosts.exec(i, "sh", "-c", "ls -d /var/tmp/hotstandby-* 2>/dev/null || true")).as("run directories").isBlank();
            assertThat(hosts.exec(i, "sh", "-c", "pgrep -u postgres postgres || true")).as("servers").isBlank();
        }
    }

    @Test
    void aHostKeyThatIsNotInKnownHostsIsRefused() throws Exception {
        SshHosts sshHosts = hosts.sshHosts();
        Path otherKnownHosts = hosts.directory().resolve("known_hosts.wrong");
        // the hosts' keys swapped: each entry names the other host's key
        List<String> lines = Files.readAllLines(sshHosts.knownHosts());
        Files.write(otherKnownHosts, List.of(lines.get(0).split(" ")[0] + " " + lines.get(1).split(" ", 2)[1],
                lines.get(1).split(" ")[0] + " " + lines.get(0).split(" ", 2)[1]));
        SshHosts wrong = new SshHosts(sshHosts.user(), sshHosts.key(), otherKnownHosts, sshHosts.hosts());
        assertThatThrownBy(() -> builder(wrong).standbys(1).start())
                .isInstanceOf(ClusterStartException.class)
                .hasMessageContaining("cannot log in to primary").hasMessageContaining("known_hosts");
        assertThat(hosts.exec(0, "sh", "-c", "ls -d /var/tmp/hotstandby-* 2>/dev/null || true")).isBlank();
    }

    @Test
    void aHostCountThatDoesNotMatchTheStandbysIsRefusedBeforeConnecting() throws Exception {
        SshHosts sshHosts = hosts.sshHosts();
        assertThatThrownBy(() -> builder(sshHosts).standbys(2).start())
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessageContaining("one host per node").hasMessageContaining("has 2");
    }
}
