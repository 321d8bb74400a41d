package dev.hotstandby.backend.machines;

import dev.hotstandby.Backend;
import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.PostgresCluster;

/** Starts a Vagrant cluster in a JVM whose PATH has no vagrant (run by {@link VagrantMissingTest}); prints the outcome. */
public final class VagrantMissingMain {
    private VagrantMissingMain() {
    }

    public static void main(String[] args) {
        try (PostgresCluster cluster = PostgresCluster.builder().backend(Backend.VAGRANT).version("15").start()) {
            System.out.println("started " + cluster.primary().name());
        } catch (BackendUnavailableException unavailable) {
            System.out.println("unavailable: " + unavailable.getMessage());
        } catch (ClusterStartException failed) {
            System.out.println("failed: " + failed.getMessage());
        }
    }
}
