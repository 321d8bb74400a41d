package dev.hotstandby.backend.containers;

import dev.hotstandby.engine.BackendCluster.ToolRun;
import java.util.List;

/**
 * What the engine's rewind needs inside a node's container: a tool on the image's PATH run as the
 * data directory's owner (pg_rewind refuses root; PGPASSWORD is in the container's environment),
 * the node's pg_replslot emptied, a note in the container's log (process 1's output).
 */
final class ServerTools {
    private ServerTools() {
    }

    /** Whether the image has {@code tool} on its PATH (the official images have pg_rewind). */
    static boolean has(ContainerNode node, String tool) {
        return node.exec("command -v " + tool + " >/dev/null && echo yes || echo no").strip().equals("yes");
    }

    static ToolRun run(ContainerNode node, String tool, List<String> arguments) {
        StringBuilder command = new StringBuilder("setpriv --reuid=\"$(stat -c %u \"$PGDATA\")\""
                + " --regid=\"$(stat -c %g \"$PGDATA\")\" --clear-groups " + tool);
        arguments.forEach(argument -> command.append(' ').append(quote(argument)));
        return node.tryExec(command.append(" 2>&1").toString());
    }

    static String dataDirectory(ContainerNode node) {
        return node.exec("printf %s \"$PGDATA\"");
    }

    static void emptySlots(ContainerNode node) {
        node.exec("rm -rf \"$PGDATA\"/pg_replslot/*");
    }

    static void note(ContainerNode node, String text) {
        node.exec("printf '%s' " + quote(text) + " >> /proc/1/fd/1");
    }

    /** A word for bash, in single quotes. */
    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
