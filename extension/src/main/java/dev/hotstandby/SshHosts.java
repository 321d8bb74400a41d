package dev.hotstandby;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Existing hosts for {@link Backend#SSH}: the primary's first, then one per standby. The test JVM
 * logs in as {@code user} (passwordless sudo) with {@code key}; every host key is checked against
 * {@code knownHosts}, there is no way to accept unknown keys.
 *
 * <p>From a properties file ({@link #load}; the system property {@value #PROPERTY} names one):
 * <pre>
 * user = deploy
 * key = /home/me/.ssh/id_ed25519
 * known_hosts = /home/me/.ssh/known_hosts
 * primary = db1.example.com            # where SSH reaches it: host or host:port
 * primary.address = 10.0.0.10          # where the other hosts reach it (default: the SSH host)
 * standby-0 = db2.example.com:2222
 * standby-0.address = 10.0.0.11
 * </pre>
 */
public record SshHosts(String user, Path key, Path knownHosts, List<Host> hosts) {
    /** A properties file like the one above, for clusters that name no hosts themselves. */
    public static final String PROPERTY = "hotstandby.ssh.hosts";

    /**
     * One host.
     *
     * @param sshHost where the test JVM's SSH reaches it
     * @param address where the other hosts reach it: replication, WAL shipping, partitions
     */
    public record Host(String sshHost, int sshPort, String address) {
        /** {@code "db1.example.com"} or {@code "db1.example.com:2222"}, reached by the others at {@code address}. */
        public static Host of(String sshHostAndPort, String address) {
            String host = sshHostAndPort.trim();
            int port = 22;
            int colon = host.lastIndexOf(':');
            if (colon > 0 && host.indexOf(':') == colon) {
                port = Integer.parseInt(host.substring(colon + 1));
                host = host.substring(0, colon);
            }
            return new Host(host, port, address == null || address.isBlank() ? host : address.trim());
        }
    }

    public SshHosts {
        hosts = List.copyOf(hosts);
    }

    public static SshHosts of(String user, Path key, Path knownHosts, Host... hosts) {
        return new SshHosts(user, key, knownHosts, List.of(hosts));
    }

    /** Reads the file described above; every missing or wrong entry is named with its fix. */
    public static SshHosts load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ClusterConfigurationException("cannot read the SSH hosts file " + file + " (-D" + PROPERTY + "): "
                    + e.getMessage());
        }
        List<Host> hosts = new ArrayList<>();
        hosts.add(host(properties, ClusterSpec.PRIMARY_NAME, file));
        for (int i = 0; properties.containsKey(ClusterSpec.standbyName(i)); i++) {
            hosts.add(host(properties, ClusterSpec.standbyName(i), file));
        }
        return new SshHosts(required(properties, "user", file), Path.of(required(properties, "key", file)),
                Path.of(required(properties, "known_hosts", file)), hosts);
    }

    /** Checks what can be checked before connecting, for {@code standbys} standbys. */
    public void validate(String owner, int standbys) {
        if (hosts.size() != standbys + 1) {
            throw new ClusterConfigurationException(owner + ": Backend.SSH needs one host per node (a primary and "
                    + standbys + " standbys) but has " + hosts.size() + "; add standby-N entries or change standbys");
        }
        if (!Files.isReadable(key)) {
            throw new ClusterConfigurationException(owner + ": the SSH key " + key + " is not readable; set key to a private"
                    + " key the hosts' user " + user + " accepts");
        }
        if (!Files.isReadable(knownHosts)) {
            throw new ClusterConfigurationException(owner + ": the known_hosts file " + knownHosts + " is not readable; every"
                    + " host key is verified, so list the hosts in it (ssh-keyscan, checked by hand)");
        }
        if (hosts.stream().map(Host::address).distinct().count() != hosts.size()) {
            throw new ClusterConfigurationException(owner + ": two nodes share an address (" + hosts + "); Backend.SSH"
                    + " runs one node per host, so give each its own");
        }
    }

    private static Host host(Properties properties, String name, Path file) {
        return Host.of(required(properties, name, file), properties.getProperty(name + ".address"));
    }

    private static String required(Properties properties, String key, Path file) {
        String value = properties.getProperty(key, "").trim();
        if (value.isEmpty()) {
            throw new ClusterConfigurationException("the SSH hosts file " + file + " has no '" + key + "'; add e.g. "
                    + key + " = ... (see SshHosts)");
        }
        return value;
    }
}
