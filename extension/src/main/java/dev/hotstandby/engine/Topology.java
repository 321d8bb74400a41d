package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is primary, who is a standby, and whom each standby streams from. Begins as the spec asks
 * (cascading through {@code upstreams}); promotion and rejoin rewire it. The one place roles live.
 */
public final class Topology {
    private final List<BackendNode> nodes;
    private final Map<BackendNode, Role> roles = new ConcurrentHashMap<>();
    /** Which node each standby streams from: the primary, or another standby when cascading. */
    private final Map<BackendNode, BackendNode> upstreams = new ConcurrentHashMap<>();

    private final ClusterSpec spec;
    /** Promoted or rejoined since the declared topology was (re)set: a refresh must boot again. */
    private volatile boolean changed;

    private Topology(ClusterSpec spec, List<? extends BackendNode> nodes) {
        this.spec = spec;
        this.nodes = List.copyOf(nodes);
    }

    /** The primary first, then standby i streaming from the node {@code spec.replication().upstreamOf(i)} names. */
    public static Topology initial(ClusterSpec spec, List<? extends BackendNode> nodes) {
        Topology topology = new Topology(spec, nodes);
        topology.reset();
        return topology;
    }

    /** Back to the declared roles and upstreams, as {@link #initial} made them. */
    synchronized void reset() {
        roles.clear();
        upstreams.clear();
        roles.put(nodes.get(0), Role.PRIMARY);
        for (int i = 0; i < spec.standbys(); i++) {
            BackendNode standby = nodes.get(1 + i);
            roles.put(standby, Role.STANDBY);
            upstreams.put(standby, nodes.get(spec.replication().upstreamOf(i) + 1));
        }
        changed = false;
    }

    /** True once a promotion or a rejoin rewired it since the last {@link #reset}. */
    boolean changed() {
        return changed;
    }

    public List<BackendNode> nodes() {
        return nodes;
    }

    public Role roleOf(BackendNode node) {
        return roles.get(node);
    }

    public boolean isPrimary(BackendNode node) {
        return roles.get(node) == Role.PRIMARY;
    }

    public boolean isStandby(BackendNode node) {
        return roles.get(node) == Role.STANDBY;
    }

    public BackendNode primary() {
        return nodes.stream().filter(this::isPrimary).findFirst()
                .orElseThrow(() -> new IllegalStateException("the cluster has no primary"));
    }

    /** The current standbys, in index order. */
    public List<BackendNode> standbys() {
        return nodes.stream().filter(this::isStandby).toList();
    }

    public BackendNode upstreamOf(BackendNode standby) {
        return upstreams.get(standby);
    }

    /** The standbys streaming from {@code upstream} itself, not through a cascade. */
    public List<BackendNode> followersOf(BackendNode upstream) {
        return standbys().stream().filter(node -> upstreams.get(node) == upstream).toList();
    }

    /**
     * The order in which standbys can be started so that each upstream comes before its followers:
     * the primary's followers first, then theirs.
     */
    public List<BackendNode> standbysUpstreamFirst() {
        Map<BackendNode, Integer> depth = new LinkedHashMap<>();
        for (BackendNode standby : standbys()) {
            int hops = 0;
            for (BackendNode up = upstreams.get(standby); up != null && isStandby(up); up = upstreams.get(up)) {
                hops++;
            }
            depth.put(standby, hops);
        }
        return depth.entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
    }

    /**
     * After {@code promoted} took over from {@code former}: neither streams any more, and whoever
     * streamed from either now streams from the new primary.
     */
    synchronized void promoted(BackendNode promoted, BackendNode former) {
        changed = true;
        roles.put(former, Role.FORMER_PRIMARY);
        roles.put(promoted, Role.PRIMARY);
        upstreams.remove(promoted);
        upstreams.remove(former);
        upstreams.replaceAll((standby, upstream) -> upstream == former || upstream == promoted ? promoted : upstream);
    }

    /** A former primary streams from {@code primary} now. */
    synchronized void rejoined(BackendNode node, BackendNode primary) {
        changed = true;
        roles.put(node, Role.STANDBY);
        upstreams.put(node, primary);
    }
}
