package dev.hotstandby.backend.containers;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.testcontainers.images.builder.Transferable;

/**
 * How the engine's node files (node.conf, standby settings, standby.signal) reach a container: staged
 * beside node.sh before a standby's first start, since its data directory exists only after the base
 * backup node.sh takes; written into the data directory through the shell afterwards.
 */
final class NodeConfigFiles {
    private NodeConfigFiles() {
    }

    /**
     * What the standby's node.sh installs after its base backup of {@code upstreamHost} (which copied
     * the upstream's own files): its identity and standby settings.
     */
    static void stageForFirstStart(ContainerNode standby, Map<String, String> files, String upstreamHost) {
        files.forEach((file, content) -> standby.container().withCopyToContainer(
                Transferable.of(content.getBytes(StandardCharsets.UTF_8), 0644), NodeContainers.SCRIPTS + "/standby/" + file));
        standby.container().withEnv("HOTSTANDBY_UPSTREAM", upstreamHost);
    }

    /**
     * Replaces a file in the node's data directory, owned by the server's user. Through the shell, not
     * Docker's archive API, which cannot write into a tmpfs mount.
     */
    static void write(ContainerNode node, String name, String content) {
        String encoded = Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8));
        node.exec("f=\"$PGDATA/" + name + "\" && printf '%s' '" + encoded + "' | base64 -d > \"$f.new\""
                + " && chown \"$(stat -c %u:%g \"$PGDATA\")\" \"$f.new\" && chmod 600 \"$f.new\" && mv \"$f.new\" \"$f\"");
    }
}
