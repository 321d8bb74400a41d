package dev.hotstandby.backend.containers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What Testcontainers 2.0.5 would pull before the first container, decided before it tries:
 * without a registry each pull is retried for minutes (~410 s seen for Ryuk), so a missing image
 * fails the cluster within seconds instead. Inputs are plain values so that a test can play any
 * machine.
 *
 * @param environment the process environment; Testcontainers 2.0.5 reads both switches only from
 *                    there ({@code ResourceReaper.instance()} and
 *                    {@code DockerClientProviderStrategy.resolveDockerHostIpAddress})
 * @param inContainer whether {@code /.dockerenv} exists (Testcontainers' {@code IN_A_CONTAINER})
 * @param ryukImage   the reaper image Testcontainers would start
 * @param tinyImage   the helper image it runs to find the Docker gateway from inside a container
 * @param present     whether Docker has an image locally
 */
record TestcontainersWaits(Map<String, String> environment, boolean inContainer, String ryukImage, String tinyImage,
        Predicate<String> present) {
    static final String RYUK_DISABLED = "TESTCONTAINERS_RYUK_DISABLED";
    static final String HOST_OVERRIDE = "TESTCONTAINERS_HOST_OVERRIDE";

    /** Why Testcontainers would hang on a pull here, naming the variables to set; empty when it would not. */
    Optional<String> problem() {
        List<String> problems = new ArrayList<>();
        boolean ryukEnabled = !Boolean.parseBoolean(environment.get(RYUK_DISABLED));
        if (ryukEnabled && !present.test(ryukImage)) {
            problems.add("Testcontainers would pull its Ryuk reaper image " + ryukImage + ", which is not present"
                    + " locally (without a registry it retries for minutes): set the environment variable "
                    + RYUK_DISABLED + "=true (hotstandby then removes what a dead JVM left behind at the next start),"
                    + " or `docker pull " + ryukImage + "` where a registry is reachable");
        }
        String override = environment.get(HOST_OVERRIDE);
        if (inContainer && (override == null || override.isBlank()) && !present.test(tinyImage)) {
            problems.add("this machine has /.dockerenv, so Testcontainers would run a " + tinyImage + " container to"
                    + " find Docker's gateway, and that image is not present locally: set the environment variable "
                    + HOST_OVERRIDE + "=localhost when the Docker daemon runs on this same machine");
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
}
