package dev.hotstandby.backend.machines;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The docker provider's containers of one cluster, by the label the repository's Vagrantfile gives
 * them: what {@code vagrant destroy} cannot know about (a failed {@code up} may have made one without
 * recording it), and, for the docker provider, the cheap way to remove a cluster's machines at all.
 * Nothing to do for other providers or where there is no docker command.
 */
final class DockerLeftovers {
    private DockerLeftovers() {
    }

    static void remove(String run) {
        sh("command -v docker >/dev/null || exit 0; docker ps -aq --filter " + Sh.quote("label=dev.hotstandby.vagrant-run=" + run)
                + " | xargs -r docker rm -f");
    }

    /**
     * The machines of run {@code run} removed with docker, then the private network's docker network
     * ({@code vagrant_network_<network>.0/24}) once no container is on it: what {@code vagrant destroy -f}
     * does for the docker provider, without starting Vagrant's Ruby (8 s of CPU for two machines here)
     * and without removing other clusters' networks as Vagrant's destroy does. True when nothing of
     * the run is left.
     */
    static boolean removeMachines(String run, String network) {
        String net = Sh.quote("vagrant_network_" + network + ".0/24");
        String label = Sh.quote("label=dev.hotstandby.vagrant-run=" + run);
        return sh("docker ps -aq --filter " + label + " | xargs -r docker rm -f >/dev/null"
                + " && if [ \"$(docker network inspect --format '{{len .Containers}}' " + net + " 2>/dev/null)\" = 0 ];"
                + " then docker network rm " + net + " >/dev/null; fi"
                + " && [ -z \"$(docker ps -aq --filter " + label + ")\" ]");
    }

    /** Under {@link VagrantLock}: an up side by side lists these containers and networks and fails on one removed meanwhile. */
    private static boolean sh(String script) {
        try (VagrantLock ordered = VagrantLock.acquire()) {
            Process process = new ProcessBuilder("sh", "-c", script)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(2, TimeUnit.MINUTES) && process.exitValue() == 0;
        } catch (IOException noShell) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
