package dev.hotstandby.backend.machines;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.SshHosts;
import dev.hotstandby.engine.JvmOwner;
import java.nio.file.Path;

/**
 * Not a test: the child JVM of {@link KilledJvmSshTest}. Starts a cluster on the hosts of the
 * hosts file it is given, with everything a run leaves on them (WAL shipping keys, a capped link's
 * tc classes, a cut link's firewall rules), says so with its owner, and waits to be killed.
 */
public final class AbandonedSshClusterMain {
    private AbandonedSshClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        PostgresCluster cluster = PostgresCluster.builder().backend(Backend.SSH).hosts(SshHosts.load(Path.of(args[0])))
                .version(System.getProperty("hotstandby.version", "15")).standbys(1).archiving(true).start();
        cluster.limitLink(cluster.standby(0), 1_000_000);
        cluster.disconnect(cluster.standby(0));
        System.out.println("started " + cluster.primary().name() + " owner=" + JvmOwner.current());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
