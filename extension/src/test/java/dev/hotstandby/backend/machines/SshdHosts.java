package dev.hotstandby.backend.machines;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import dev.hotstandby.Backend;
import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.SshHosts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * Hosts for {@link Backend#SSH} that the test starts itself: containers of the Vagrant machines'
 * sshd image (a Debian with PostgreSQL's packages, a {@code vagrant} user with sudo) on a Docker
 * network of their own. The login key is generated for this run; the known_hosts file holds each
 * container's own host key, read from inside it, so nothing is accepted blindly.
 */
final class SshdHosts implements AutoCloseable {
    /**
     * A shell line printing how many HTB classes and roots of the link shaping (handle 7e57:) a host
     * has, over every interface: "0 0" where none.
     */
    static final String SHAPING = "echo $(for d in $(ls /sys/class/net); do tc class show dev $d; done | grep -c 'htb 7e57:')"
            + " $(for d in $(ls /sys/class/net); do tc qdisc show dev $d root; done | grep -c 'htb 7e57:')";
    static final String IMAGE_PROPERTY = "hotstandby.ssh.testImage";
    static final String DEFAULT_IMAGE = "hotstandby-test/vagrant-sshd:bookworm";

    private final Path directory;
    private final Network network = Network.newNetwork();
    private final List<GenericContainer<?>> containers = new ArrayList<>();

    private SshdHosts(Path directory) {
        this.directory = directory;
    }

    /** Skips (or fails, with {@code -Dhotstandby.require=ssh}) where Docker or the image is missing. */
    /** Asked once per JVM. */
    private static volatile Optional<String> unavailable;

    /** True where the hosts can start; fails where -Dhotstandby.require names ssh and they cannot. For {@code @BeforeAll}. */
    static boolean canRun() {
        Optional<String> reason = whyNot();
        if (reason.isPresent() && BackendUnavailableException.isRequired(Backend.SSH, System.getProperties())) {
            fail(reason.get() + " (-D" + BackendUnavailableException.REQUIRE_PROPERTY + " names ssh)");
        }
        return reason.isEmpty();
    }

    /** Before each test, so that every test is reported skipped with the reason (not "Tests run: 0"). */
    static void assumeTheyCanRun() {
        canRun();
        whyNot().ifPresent(Assumptions::abort);
    }

    private static synchronized Optional<String> whyNot() {
        if (unavailable == null) {
            String reason = null;
            // in this order: Testcontainers' own client (isDockerAvailable() included) starts Ryuk first
            if (!"true".equals(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
                reason = "Testcontainers would pull its Ryuk image, and no registry may be reachable: set"
                        + " TESTCONTAINERS_RYUK_DISABLED=true (these hosts are removed by the test itself)";
            } else if (!dockerIsThere()) {
                reason = "Docker is not available";
            } else if (!imageIsThere()) {
                reason = "image " + image() + " is not there (.ci/vagrant.sh builds it; -D" + IMAGE_PROPERTY + " names another)";
            }
            unavailable = Optional.ofNullable(reason);
        }
        return unavailable;
    }

    private static boolean dockerIsThere() {
        try {
            DockerClientFactory.instance().getTransportConfig();
            return true;
        } catch (RuntimeException noDocker) {
            return false;
        }
    }

    /** Asked with a plain Docker client: Testcontainers' own would start Ryuk first. */
    private static boolean imageIsThere() {
        try (DockerClient plain = DockerClientProviderStrategy.getClientForConfig(
                DockerClientFactory.instance().getTransportConfig())) {
            return !plain.listImagesCmd().withImageNameFilter(image()).exec().isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static SshdHosts start(int count) throws IOException, InterruptedException {
        SshdHosts hosts = new SshdHosts(Files.createTempDirectory("hotstandby-sshd-hosts-"));
        try {
            hosts.boot(count);
            return hosts;
        } catch (RuntimeException | IOException | InterruptedException failure) {
            hosts.close();
            throw failure;
        }
    }

    private void boot(int count) throws IOException, InterruptedException {
        Path key = directory.resolve("id_ed25519");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hotstandby-test",
                "-f", key.toString()).redirectErrorStream(true).start();
        if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            throw new IllegalStateException("ssh-keygen failed: " + new String(keygen.getInputStream().readAllBytes()));
        }
        String publicKey = Files.readString(directory.resolve("id_ed25519.pub"));
        for (int i = 0; i < count; i++) {
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image()))
                    .withNetwork(network)
                    .withExposedPorts(22)
                    .withCopyToContainer(Transferable.of(publicKey.getBytes(StandardCharsets.UTF_8), 0644),
                            "/home/vagrant/.ssh/authorized_keys")
                    // as the Vagrantfile runs them: a real init reaping daemons, iptables for partitions
                    .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withInit(true).withCapAdd(Capability.NET_ADMIN))
                    .withLabel("dev.hotstandby.test", "ssh-hosts")
                    .waitingFor(Wait.forListeningPort());
            containers.add(container);
            container.start();
        }
    }

    SshHosts sshHosts() throws IOException, InterruptedException {
        List<String> knownHosts = new ArrayList<>();
        List<SshHosts.Host> hosts = new ArrayList<>();
        for (GenericContainer<?> container : containers) {
            String hostKey = exec(container, "cat", "/etc/ssh/ssh_host_ed25519_key.pub").strip();
            knownHosts.add("[" + container.getHost() + "]:" + container.getMappedPort(22) + " " + hostKey);
            String address = container.getContainerInfo().getNetworkSettings().getNetworks().values().stream()
                    .filter(n -> n.getNetworkID().equals(network.getId())).findFirst().orElseThrow().getIpAddress();
            hosts.add(SshHosts.Host.of(container.getHost() + ":" + container.getMappedPort(22), address));
        }
        Path knownHostsFile = directory.resolve("known_hosts");
        Files.write(knownHostsFile, knownHosts);
        return new SshHosts("vagrant", directory.resolve("id_ed25519"), knownHostsFile, hosts);
    }

    /** Runs a command in host {@code index} as root; its standard output. */
    String exec(int index, String... command) throws IOException, InterruptedException {
        return exec(containers.get(index), command);
    }

    Path directory() {
        return directory;
    }

    private static String exec(GenericContainer<?> container, String... command) throws IOException, InterruptedException {
        Container.ExecResult result = container.execInContainer(command);
        if (result.getExitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + result.getStderr());
        }
        return result.getStdout();
    }

    private static String image() {
        return System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
    }

    @Override
    public void close() {
        containers.forEach(GenericContainer::stop);
        network.close();
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
