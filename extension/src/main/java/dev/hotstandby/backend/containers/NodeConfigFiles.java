package dev.hotstandby.backend.containers;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How the engine's node files (node.conf, standby settings, standby.signal) reach a running
 * container (before the first start they are staged: {@link NodeContainers#stage}).
 */
final class NodeConfigFiles {
    private NodeConfigFiles() {
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
