package dev.hotstandby.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.Quorum;
import dev.hotstandby.ReplicationOptions;
import dev.hotstandby.SynchronousCommit;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Who follows whom, as the spec starts it and as promotion and rejoin rewire it. */
class TopologyTest {

    @Test
    void aPromotedMiddleOfACascadeKeepsItsFollowerAndTakesThePrimarysOthers() {
        // standby-0 and standby-2 stream from the primary, standby-1 from standby-0
        List<BackendNode> nodes = nodes(4);
        Topology topology = Topology.initial(spec(List.of(-1, 0, -1)), nodes);
        BackendNode primary = nodes.get(0);
        BackendNode middle = nodes.get(1);
        assertThat(topology.followersOf(middle)).containsExactly(nodes.get(2));
        assertThat(topology.standbysUpstreamFirst()).containsExactly(nodes.get(1), nodes.get(3), nodes.get(2));

        topology.promoted(middle, primary);

        assertThat(topology.primary()).isSameAs(middle);
        assertThat(topology.roleOf(primary)).isEqualTo(Role.FORMER_PRIMARY);
        assertThat(topology.standbys()).containsExactly(nodes.get(2), nodes.get(3));
        assertThat(topology.followersOf(middle)).containsExactly(nodes.get(2), nodes.get(3));
        assertThat(topology.upstreamOf(primary)).isNull();

        topology.rejoined(primary, middle);

        assertThat(topology.isStandby(primary)).isTrue();
        assertThat(topology.followersOf(middle)).containsExactly(primary, nodes.get(2), nodes.get(3));
    }

    private static ClusterSpec spec(List<Integer> upstreams) {
        ReplicationOptions replication = new ReplicationOptions(false, SynchronousCommit.REMOTE_APPLY, Quorum.ALL, upstreams,
                false, false);
        return new ClusterSpec("TopologyTest", upstreams.size(), 18, Backend.LOCAL, replication, Duration.ofSeconds(5));
    }

    /** Nodes that only have a name: the topology asks them nothing else. */
    private static List<BackendNode> nodes(int count) {
        return IntStream.range(0, count).mapToObj(i -> i == 0 ? "primary" : "standby-" + (i - 1))
                .map(name -> (BackendNode) Proxy.newProxyInstance(BackendNode.class.getClassLoader(),
                        new Class<?>[] {BackendNode.class}, (proxy, method, args) -> switch (method.getName()) {
                            case "name", "toString" -> name;
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> throw new UnsupportedOperationException(method.getName());
                        }))
                .toList();
    }
}
