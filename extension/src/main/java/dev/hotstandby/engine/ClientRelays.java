package dev.hotstandby.engine;

import dev.hotstandby.internal.LinkFaults;
import dev.hotstandby.internal.LinkRelay;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * With {@code clientFaults}, one loopback relay per node for every handle the test gets: the
 * application's connections then hang ({@link LinkFaults#cut}) or slow as a network would make
 * them, on every backend, while the cluster's own connections go to the node directly.
 */
final class ClientRelays implements AutoCloseable {
    private final Map<String, LinkRelay> relays = new ConcurrentHashMap<>();
    private final Map<String, LinkFaults> faults = new ConcurrentHashMap<>();

    /** The relay's port, opened on first use, to wherever the node listens now. */
    int port(BackendNode node) {
        return relays.computeIfAbsent(node.name(), name -> LinkRelay.onLoopback("clients-" + name,
                () -> new InetSocketAddress(node.host(), node.port()), faultsOf(node))).port();
    }

    LinkFaults faultsOf(BackendNode node) {
        return faults.computeIfAbsent(node.name(), name -> new LinkFaults());
    }

    /** Every client fault lifted: connections flow at once again. */
    void clear() {
        faults.values().forEach(fault -> {
            fault.cut(false);
            fault.delay(java.time.Duration.ZERO);
        });
    }

    /** The nodes whose client connections are cut or delayed now. */
    java.util.List<String> faulted() {
        return faults.entrySet().stream().filter(entry -> !entry.getValue().isClear()).map(Map.Entry::getKey).sorted().toList();
    }

    @Override
    public void close() {
        faults.values().forEach(fault -> fault.cut(false));
        relays.values().forEach(LinkRelay::close);
    }
}
