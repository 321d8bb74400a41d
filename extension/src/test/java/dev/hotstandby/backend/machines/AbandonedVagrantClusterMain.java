package dev.hotstandby.backend.machines;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.engine.JvmOwner;

/** A JVM that starts a Vagrant cluster, says so, and waits to be killed (by {@link KilledJvmVagrantTest}). */
public final class AbandonedVagrantClusterMain {
    private AbandonedVagrantClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        PostgresCluster cluster = VagrantAvailable.builder().standbys(0).start();
        System.out.println("started " + cluster.primary().name() + " owner=" + JvmOwner.current());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
