package dev.hotstandby.backend.machines;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The docker provider's containers of one cluster that {@code vagrant destroy} cannot know about: a
 * failed {@code up} may have made one without recording it. Found by the label the repository's
 * Vagrantfile gives them; nothing to do for other providers or where there is no docker command.
 */
final class DockerLeftovers {
    private DockerLeftovers() {
    }

    static void remove(String run) {
        try {
            Process process = new ProcessBuilder("sh", "-c", "command -v docker >/dev/null || exit 0; docker ps -aq --filter "
                    + Sh.quote("label=dev.hotstandby.vagrant-run=" + run) + " | xargs -r docker rm -f")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            process.waitFor(2, TimeUnit.MINUTES);
        } catch (IOException noShell) {
            // nothing can be removed this way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
