package dev.hotstandby.backend.local;

import dev.hotstandby.engine.LinkAddress;
import dev.hotstandby.internal.LinkFaults;
import dev.hotstandby.internal.LinkRelay;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every replication link of a local cluster runs through a {@link LinkRelay}: standby
 * {@code s} dials its upstream through {@code <cluster>/r/<s>/.s.PGSQL.<upstream's port>}, so the
 * address changes when the upstream does (a reload then restarts the WAL receiver, as for any new
 * primary_conninfo), and the standby's {@link LinkFaults} hold on every link it has.
 */
final class ReplicationLinks implements AutoCloseable {
    /** For the relay benchmark only: links straight to the upstream's socket, as before the relays. */
    static final String DIRECT_PROPERTY = "hotstandby.local.directLinks";

    private final Path root;
    private final boolean direct = Boolean.getBoolean(DIRECT_PROPERTY);
    private final Map<String, LinkFaults> faults = new ConcurrentHashMap<>();
    private final Map<String, LinkRelay> relays = new ConcurrentHashMap<>();

    ReplicationLinks(Path root) {
        this.root = root;
    }

    /** The relay's address for the standby's conninfo, opened on first use. */
    LinkAddress address(LocalNode standby, LocalNode upstream) {
        if (direct) {
            return new LinkAddress(upstream.replicationHost(), upstream.port());
        }
        LinkRelay relay = relays.computeIfAbsent(standby.name() + "->" + upstream.name(), key -> {
            Path directory = Workspace.privateDir(root.resolve(standby.name()));
            return LinkRelay.onSocket(key, directory.resolve(".s.PGSQL." + upstream.port()), upstream.socket(),
                    faultsOf(standby), upstream::isStarting);
        });
        return new LinkAddress(relay.socket().getParent().toString(), upstream.port());
    }

    LinkFaults faultsOf(LocalNode standby) {
        requireRelayed(standby);
        return faults.computeIfAbsent(standby.name(), name -> new LinkFaults());
    }

    /** Drops the connections of every link the standby has. */
    void reset(LocalNode standby) {
        requireRelayed(standby);
        relays.forEach((key, relay) -> {
            if (key.startsWith(standby.name() + "->")) {
                relay.reset();
            }
        });
    }

    @Override
    public void close() {
        faults.values().forEach(fault -> fault.cut(false));   // lets the relays' threads see their sockets close
        relays.values().forEach(LinkRelay::close);
    }

    private void requireRelayed(LocalNode standby) {
        if (direct) {
            throw new UnsupportedOperationException(standby.name() + " streams without a relay (-D" + DIRECT_PROPERTY
                    + ", for the relay benchmark): its link cannot be cut, delayed, capped or reset");
        }
    }
}
