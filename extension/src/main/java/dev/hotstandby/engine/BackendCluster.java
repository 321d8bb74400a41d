package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import java.util.List;
import java.util.Optional;

/**
 * A cluster's servers on one kind of infrastructure, and the few cluster-wide primitives that need
 * more than one node: copying data between nodes, cutting links, removing everything. The engine
 * ({@link EngineCluster}) drives it; nothing here decides who is primary.
 */
public interface BackendCluster {
    ClusterSpec spec();

    /** For messages: where the servers run, e.g. " on image postgres:17"; empty for local processes. */
    default String where() {
        return "";
    }

    /** Every node, primary first, then the standbys by index, from before boot until close. */
    List<? extends BackendNode> nodes();

    /** The superuser the test JVM connects as. */
    String username();

    /** Generated for this cluster; nothing else knows it. */
    String password();

    /** The role standbys stream as. */
    String replicationUser();

    /**
     * Starts every server so that each standby streams from its upstream in {@code topology}, using
     * {@code files} for what each node is given beside its data. The engine checks the start contract
     * afterwards; on failure it closes this cluster.
     */
    void boot(Topology topology, NodeFiles files);

    /**
     * The parameters of the servers' major, known without asking a server (the local backend reads
     * them from its binaries); empty where the binaries are elsewhere, and the engine asks a running
     * server's pg_settings instead.
     */
    default Optional<ParameterCatalog> parameterCatalog() {
        return Optional.empty();
    }

    /**
     * Where a server of {@code client}, another cluster, reaches {@code node} of this cluster over TCP (a
     * subscription's connection string); empty where this backend cannot connect the two.
     */
    default Optional<Endpoint> endpointFor(BackendNode node, BackendCluster client) {
        return Optional.empty();
    }

    /** True where the servers' binaries have pg_rewind (the engine's {@code Rewind} runs it). */
    boolean canRewind();

    /** What a tool run on a node's host printed (stdout and stderr), and how it ended. */
    record ToolRun(int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code tool} of the servers' binaries (pg_rewind) on {@code node}'s host as the owner of its
     * data directory, with the cluster's passwords where libpq looks for them; never throws for the
     * tool's own failure.
     */
    ToolRun runAsServerUser(BackendNode node, String tool, java.util.List<String> arguments);

    /** {@code node}'s data directory as a tool on its host names it. */
    String dataDirectory(BackendNode node);

    /** A libpq connection string by which a tool on {@code node}'s host reaches {@code source} as a superuser. */
    String toolConninfo(BackendNode node, BackendNode source);

    /** Empties a stopped node's pg_replslot. */
    void removeReplicationSlots(BackendNode node);

    /** Appends {@code text} to the node's server log, where the rest of its story is. */
    void noteInLog(BackendNode node, String text);

    /** Replaces a stopped node's data directory with a base backup of {@code source}. */
    void reseed(BackendNode node, BackendNode source);

    /** Cuts the replication link between a standby and its upstream; both servers stay up. */
    void cut(BackendNode standby, BackendNode upstream);

    /** Restores a link cut by {@link #cut}. */
    void heal(BackendNode standby, BackendNode upstream);

    /** Where a standby dials its upstream: by default the upstream's own replication address. */
    default LinkAddress linkAddress(BackendNode standby, BackendNode upstream) {
        return new LinkAddress(upstream.replicationHost(), upstream.replicationPort());
    }

    /** Adds {@code oneWay} latency to the standby's link in both directions; zero removes it. */
    default void delayLink(BackendNode standby, BackendNode upstream, java.time.Duration oneWay) {
        throw linkFaultsMissing("delayLink");
    }

    /** Caps the standby's link at {@code bytesPerSecond} in each direction; zero removes the cap. */
    default void limitLink(BackendNode standby, BackendNode upstream, long bytesPerSecond) {
        throw linkFaultsMissing("limitLink");
    }

    /** Drops the link's connections once; the standby's WAL receiver dials again by itself. */
    default void resetLink(BackendNode standby, BackendNode upstream) {
        throw linkFaultsMissing("resetLink");
    }

    private UnsupportedOperationException linkFaultsMissing(String operation) {
        return new UnsupportedOperationException(operation + " is not available on Backend." + spec().backend()
                + ": this backend has no way to shape its replication links");
    }

    /**
     * Stops every server at once and boots them again from what {@link #boot} starts from (the
     * template, a pristine copy of the first boot), as {@code topology} now says (the declared one,
     * after the engine reset it); every node keeps its address (host and port). A refresh after a
     * promotion or a rejoin runs it, then the engine's start contract as after {@link #boot}.
     */
    default void reboot(Topology topology, NodeFiles files) {
        throw new UnsupportedOperationException("Backend." + spec().backend() + " cannot boot a cluster again in place");
    }

    /**
     * For a cluster kept for reuse: what a later JVM's {@link ClusterBackend#attach} needs to find and
     * drive it again (ids, addresses, its password), as properties of the entry's record.
     */
    default java.util.Map<String, String> reuseRecord() {
        throw new UnsupportedOperationException("Backend." + spec().backend() + " keeps no cluster for the next run");
    }

    /**
     * For a cluster attached after an earlier run ({@link EngineCluster#attach}), before the engine
     * points the standbys at their upstreams: the topology it drives the cluster by, which a boot
     * or a boot again in place would have given.
     */
    default void attached(Topology topology) {
    }

    /**
     * The end of this JVM for a cluster kept for reuse: what lives in the JVM (sessions, relays, SSH
     * connections, port reservations) is closed, the servers keep running for the next run.
     */
    default void detach() {
        throw new UnsupportedOperationException("Backend." + spec().backend() + " keeps no cluster for the next run");
    }

    /**
     * Stops every server. Removes everything unless {@code keepEvidence}, in which case data and logs
     * stay and the returned text says where. Called once.
     */
    Optional<String> close(boolean keepEvidence);
}
