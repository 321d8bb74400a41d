package dev.hotstandby.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import java.util.Set;

/**
 * Applies a link fault; where a machine's kernel cannot do it (no netem: delayLink), checks that the
 * backend says so, naming what is missing and what works, then skips the rest of the test with that
 * reason. Only machines may refuse: the local and containers backends relay every link in the JVM.
 */
final class LinkFaultSupport {
    private static final Set<Backend> KERNEL_SHAPED = Set.of(Backend.VAGRANT, Backend.SSH);

    private LinkFaultSupport() {
    }

    static void applyOrSkip(PostgresCluster cluster, String operation, Runnable fault) {
        try {
            fault.run();
        } catch (UnsupportedOperationException missing) {
            assertThat(cluster.spec().backend()).as("refused by a backend that relays its links: %s", missing.getMessage())
                    .isIn(KERNEL_SHAPED);
            assertThat(missing.getMessage()).startsWith(operation + "(").contains("sch_netem", "CONFIG_NET_SCH_NETEM")
                    .contains("limitLink", "resetLink");
            abort(operation + " on Backend." + cluster.spec().backend() + ": " + missing.getMessage());
        }
    }
}
