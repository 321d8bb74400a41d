package dev.hotstandby.backend.machines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.SshHosts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A JVM killed with SIGKILL runs no teardown: on borrowed hosts its servers, firewall rules, tc
 * classes, authorized keys and run directories stay. The next start of a cluster on those hosts, before it
 * provisions anything, removes them.
 */
class KilledJvmSshTest {
    private static final Pattern STARTED = Pattern.compile("started primary owner=(\\S+)");
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

    @Test
    void theRunsOfAKilledJvmAreRemovedByTheNextStartOnTheSameHosts() throws Exception {
        SshHosts sshHosts = hosts.sshHosts();
        Process child = startChild(hostsFile(sshHosts));
        try {
            String owner = awaitOwner(child);
            List<String> markers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String ownerLine = onHost(i, "cat /var/tmp/hotstandby-*/" + StaleSshRuns.OWNER_FILE).strip();
                assertThat(ownerLine).as("host %d's run names the child", i).startsWith(owner + " ");
                markers.add(ownerLine.split(" ")[2]);
            }
            String marker = markers.get(0);
            assertThat(markers).as("one run").containsOnly(marker);
            assertLeftovers(marker, true);

            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertLeftovers(marker, true);

            try (PostgresCluster next = PostgresCluster.builder().backend(Backend.SSH).hosts(sshHosts)
                    .version(System.getProperty("hotstandby.version", "15")).standbys(1).archiving(true).start()) {
                assertLeftovers(marker, false);
                assertThat(next.standby(0).isStandby()).isTrue();
            }
            assertLeftovers(marker, false);
        } finally {
            child.destroyForcibly();
        }
    }

    /** The dead run's servers, firewall rules, authorized keys and run directories: there, or all gone. */
    private static void assertLeftovers(String marker, boolean present) throws Exception {
        for (int i = 0; i < 2; i++) {
            // as postgres: root in a container may not read another user's working directory
            String servers = onHost(i, "su -s /bin/sh postgres -c 'for p in /proc/[0-9]*; do readlink $p/cwd; done'"
                    + " | grep -c '^/var/tmp/" + marker + "-' || true");
            String rules = onHost(i, "iptables -w -S | grep -c -- '" + marker + "' || true");
            String shaping = onHost(i, SshdHosts.SHAPING);
            String keys = onHost(i, "grep -c ' " + marker + "-' ~postgres/.ssh/authorized_keys 2>/dev/null || true");
            String dirs = onHost(i, "ls -d /var/tmp/" + marker + "-* 2>/dev/null || true");
            if (present) {
                assertThat(Integer.parseInt(servers.strip())).as("host %d: the dead run's server processes", i).isPositive();
                assertThat(Integer.parseInt(keys.strip())).as("host %d: its authorized key", i).isPositive();
                assertThat(dirs).as("host %d: its run directory", i).isNotBlank();
                assertThat(shaping.strip()).as("host %d: the capped link's tc class and HTB root", i).isEqualTo("1 1");
            } else {
                assertThat(servers.strip()).as("host %d: the dead run's server processes", i).isEqualTo("0");
                assertThat(rules.strip()).as("host %d: its firewall rules", i).isEqualTo("0");
                assertThat(keys.strip()).as("host %d: its authorized keys", i).isIn("0", "");
                assertThat(dirs).as("host %d: its run directory", i).isBlank();
                assertThat(shaping.strip()).as("host %d: its tc classes, and the HTB root with them", i).isEqualTo("0 0");
            }
        }
        if (present) {
            // the cut link: rules on the standby's host only
            assertThat(Integer.parseInt(onHost(1, "iptables -w -S | grep -c -- '" + marker + "' || true").strip()))
                    .as("the cut link's firewall rules").isPositive();
        }
    }

    private static String onHost(int index, String script) throws Exception {
        return hosts.exec(index, "sh", "-c", script);
    }

    private static Path hostsFile(SshHosts sshHosts) throws Exception {
        Properties file = new Properties();
        file.setProperty("user", sshHosts.user());
        file.setProperty("key", sshHosts.key().toString());
        file.setProperty("known_hosts", sshHosts.knownHosts().toString());
        List<String> names = List.of("primary", "standby-0");
        for (int i = 0; i < names.size(); i++) {
            SshHosts.Host host = sshHosts.hosts().get(i);
            file.setProperty(names.get(i), host.sshHost() + ":" + host.sshPort());
            file.setProperty(names.get(i) + ".address", host.address());
        }
        Path path = hosts.directory().resolve("hosts.properties");
        try (var writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            file.store(writer, "the sshd containers of this test");
        }
        return path;
    }

    private static Process startChild(Path hostsFile) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        if (System.getProperty("hotstandby.version") != null) {
            command.add("-Dhotstandby.version=" + System.getProperty("hotstandby.version"));
        }
        command.add(AbandonedSshClusterMain.class.getName());
        command.add(hostsFile.toString());
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String awaitOwner(Process child) throws Exception {
        // the child's output is read until it says so; it keeps running, its pipe unread, until killed
        BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder output = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            output.append(line).append('\n');
            Matcher started = STARTED.matcher(line);
            if (started.find()) {
                return started.group(1);
            }
        }
        throw new AssertionError("the child did not start its cluster; its output:\n" + output);
    }
}
