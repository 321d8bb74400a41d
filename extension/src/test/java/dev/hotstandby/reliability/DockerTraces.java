package dev.hotstandby.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Containers, networks and volumes of the containers backend, asked of the docker CLI; none where there is no Docker. */
final class DockerTraces {
    /** Every object the backend makes carries it (with the machine's name). */
    private static final String OURS = "label=dev.hotstandby.host";

    private DockerTraces() {
    }

    /** Objects with that label, e.g. {@code dev.hotstandby.owner=<pid>-<start millis>}. */
    static long labelled(String label) throws IOException, InterruptedException {
        return listed("label=" + label).size();
    }

    /** Objects of the backend whose name or labels mention {@code text}: what a backend named after a reuse entry. */
    static long mentioning(String text) throws IOException, InterruptedException {
        return listed(OURS).stream().filter(line -> line.contains(text)).count();
    }

    /** One line per container, network and volume that passes {@code filter}: its name and labels. */
    private static List<String> listed(String filter) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (String kind : List.of("ps -a --format {{.Names}}|{{.Labels}}", "network ls --format {{.Name}}|{{.Labels}}",
                "volume ls --format {{.Name}}|{{.Labels}}")) {
            List<String> command = new ArrayList<>(List.of("docker"));
            command.addAll(List.of(kind.split(" ")));
            command.addAll(List.of("--filter", filter));
            Process docker;
            try {
                docker = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException noDocker) {
                return List.of();
            }
            String out = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (docker.waitFor() == 0) {
                out.lines().filter(line -> !line.isBlank()).forEach(lines::add);
            }
        }
        return lines;
    }
}
