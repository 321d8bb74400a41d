package dev.hotstandby.backend.machines;

import dev.hotstandby.Backend;
import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.PostgresCluster;
import org.junit.jupiter.api.Assumptions;

/**
 * The Vagrant tests run where Vagrant and a provider are: CI passes
 * {@code -Dhotstandby.vagrant.provider=docker}, {@code -Dhotstandby.version} (the machines' packaged
 * major) and {@code -Dhotstandby.require=vagrant}, which turns a missing Vagrant into a failure.
 */
final class VagrantAvailable {
    private VagrantAvailable() {
    }

    static void assumeVagrantCanRun() {
        if (BackendUnavailableException.isRequired(Backend.VAGRANT, System.getProperties())) {
            return;
        }
        Assumptions.assumeTrue(Vagrant.version().isPresent(), "no vagrant on the PATH");
        Assumptions.assumeTrue(!System.getProperty(VagrantMachines.PROVIDER_PROPERTY, "").isBlank()
                || System.getenv("VAGRANT_DEFAULT_PROVIDER") != null,
                "no Vagrant provider chosen (-D" + VagrantMachines.PROVIDER_PROPERTY + "=docker or VAGRANT_DEFAULT_PROVIDER)");
    }

    /** The machines' PostgreSQL: Debian 12's packaged 15 unless -Dhotstandby.version says otherwise. */
    static PostgresCluster.Builder builder() {
        return PostgresCluster.builder().backend(Backend.VAGRANT).version(System.getProperty("hotstandby.version", "15"));
    }
}
