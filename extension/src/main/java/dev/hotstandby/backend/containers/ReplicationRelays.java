package dev.hotstandby.backend.containers;

import dev.hotstandby.engine.LinkAddress;
import dev.hotstandby.internal.LinkFaults;
import dev.hotstandby.internal.LinkRelay;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Every replication link of a container cluster runs through a {@link LinkRelay} of the test JVM,
 * as on the local backend: one place for delay, cap and reset, with any image (no tc, no
 * NET_ADMIN; this kernel has no netem anyway). The relay listens on the gateway address of the
 * cluster's replication network, which is the Docker host's own address on that bridge; the
 * standby dials it there, and the relay dials the upstream's address on the same network, read
 * again for each connection. So {@code docker network disconnect} of a standby still cuts both its
 * own link and those of standbys cascading from it, as before the relays.
 *
 * <p>Where the Docker daemon runs on another machine the JVM has no address on that bridge: links
 * then go straight to the upstream, and a link fault fails naming why.
 */
final class ReplicationRelays implements AutoCloseable {
    /** For the relay benchmark only: links straight to the upstream's address, as before the relays. */
    static final String DIRECT_PROPERTY = "hotstandby.containers.directLinks";
    /** The longest a new connection waits for its upstream's boot again before it is refused. */
    private static final Duration REBOOT_HOLD = Duration.ofSeconds(2);

    private final InetAddress gateway;
    private final String unavailable;
    private final Map<String, LinkFaults> faults = new ConcurrentHashMap<>();
    private final Map<String, Relayed> relays = new ConcurrentHashMap<>();
    /** Nodes being booted again in place, whose old server may still run: see {@link #clearForReboot}. */
    private final Map<ContainerNode, CountDownLatch> rebooting = new ConcurrentHashMap<>();

    private record Relayed(ContainerNode standby, ContainerNode upstream, LinkRelay relay) {
    }

    private ReplicationRelays(InetAddress gateway, String unavailable) {
        this.gateway = gateway;
        this.unavailable = unavailable;
    }

    /** Relays on {@code gateway} where it is an address of this machine; otherwise direct links. */
    static ReplicationRelays on(String gateway) {
        if (Boolean.getBoolean(DIRECT_PROPERTY)) {
            return new ReplicationRelays(null, "this run links standbys straight to their upstream (-D" + DIRECT_PROPERTY
                    + ", for the relay benchmark)");
        }
        if (gateway == null) {
            return new ReplicationRelays(null, "Docker gave the cluster's replication network no gateway address");
        }
        try {
            InetAddress address = InetAddress.getByName(gateway);
            if (NetworkInterface.getByInetAddress(address) == null) {
                return new ReplicationRelays(null, "the gateway " + gateway + " of the cluster's replication network is"
                        + " not an address of the test JVM's machine (is the Docker daemon on another machine?), so the"
                        + " JVM cannot relay the link");
            }
            return new ReplicationRelays(address, null);
        } catch (UnknownHostException | SocketException e) {
            return new ReplicationRelays(null, "cannot read the gateway " + gateway + ": " + e.getMessage());
        }
    }

    /** The relay's address for the standby's conninfo, opened on first use; the upstream's own where there is no relay. */
    LinkAddress address(ContainerNode standby, ContainerNode upstream) {
        if (gateway == null) {
            return new LinkAddress(upstream.replicationHost(), upstream.replicationPort());
        }
        Relayed relayed = relays.computeIfAbsent(standby.name() + "->" + upstream.name(), key -> new Relayed(standby,
                upstream, LinkRelay.onAddress(key, gateway, () -> replicationAddress(upstream), faultsOf(standby))));
        return new LinkAddress(gateway.getHostAddress(), relayed.relay().port());
    }

    private InetSocketAddress replicationAddress(ContainerNode upstream) {
        awaitRebooted(upstream);
        String address = Optional.ofNullable(upstream.replicationAddress()).orElseThrow(() -> new IllegalStateException(
                upstream.name() + " is off the replication network"));   // refused, as the network would: the standby retries
        return new InetSocketAddress(address, upstream.replicationPort());
    }

    LinkFaults faultsOf(ContainerNode standby, String operation) {
        if (gateway == null) {
            throw new UnsupportedOperationException(operation + "(" + standby.name() + ") is not available here: the"
                    + " containers backend relays replication links through the test JVM, and " + unavailable);
        }
        return faultsOf(standby);
    }

    private LinkFaults faultsOf(ContainerNode standby) {
        return faults.computeIfAbsent(standby.name(), name -> new LinkFaults());
    }

    /** Stops (or lets again) the bytes of every link the standby dials, keeping their sockets. */
    void freeze(ContainerNode standby, boolean frozen) {
        if (relayed()) {
            faultsOf(standby).cut(frozen);
        }
    }

    /** Drops the connections of every link the standby dials. */
    void reset(ContainerNode standby) {
        faultsOf(standby, "resetLink");
        relays.values().stream().filter(link -> link.standby() == standby).forEach(link -> link.relay().reset());
    }

    /**
     * Drops the connections of every link to or from the node: after it rejoined its network under
     * another address they are dead, though the relay's ends do not know it yet.
     */
    void resetAround(ContainerNode node) {
        relays.values().stream().filter(link -> link.standby() == node || link.upstream() == node)
                .forEach(link -> link.relay().reset());
    }

    /**
     * For a boot again in place, before it: no link frozen, delayed or capped, no connection left,
     * and new connections to each of {@code nodes} held until {@link #rebooted} says its old server
     * is gone (a fresh standby that streamed from it would take another cluster's WAL).
     */
    void clearForReboot(List<ContainerNode> nodes) {
        faults.values().forEach(fault -> {
            fault.cut(false);
            fault.delay(Duration.ZERO);
            fault.limit(0);
        });
        nodes.forEach(node -> rebooting.put(node, new CountDownLatch(1)));
        relays.values().forEach(link -> link.relay().reset());
    }

    /** The node's old server is gone (or its boot failed): connections to it go through again. */
    void rebooted(ContainerNode node) {
        Optional.ofNullable(rebooting.remove(node)).ifPresent(CountDownLatch::countDown);
    }

    /** Refused after a while, as a server not up yet would refuse it: the standby dials again. */
    private void awaitRebooted(ContainerNode upstream) {
        CountDownLatch rebooted = rebooting.get(upstream);
        if (rebooted == null) {
            return;
        }
        try {
            if (!rebooted.await(REBOOT_HOLD.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(upstream.name() + " is still being booted again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + upstream.name() + " was booted again", e);
        }
    }

    boolean relayed() {
        return gateway != null;
    }

    @Override
    public void close() {
        faults.values().forEach(fault -> fault.cut(false));   // lets the relays' threads see their sockets close
        relays.values().forEach(link -> link.relay().close());
    }
}
